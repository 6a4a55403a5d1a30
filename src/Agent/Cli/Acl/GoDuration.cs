using System.Text.RegularExpressions;

namespace Mesh.Agent.Cli.Acl;

/// <summary>Go's <c>time.ParseDuration</c> syntax (<c>1h30m</c>, <c>90s</c>, <c>1.5h</c>), which Consul's duration flags take.</summary>
internal static partial class GoDuration
{
    public static bool IsValid(string value) => value == "0" || Syntax().IsMatch(value);

    /// <summary>Zero length (<c>0</c>, <c>0s</c>): Consul's CLI then sends no TTL at all.</summary>
    public static bool IsZero(string value) => value.All(c => c is '0' or '.' or '+' || char.IsLetter(c) || c == 'µ' || c == 'μ');

    [GeneratedRegex(@"^[+-]?(([0-9]+(\.[0-9]*)?|\.[0-9]+)(ns|us|µs|μs|ms|s|m|h))+$", RegexOptions.CultureInvariant)]
    private static partial Regex Syntax();
}
