using System.Globalization;
using System.Text;

namespace Mesh.Agent.Cli;

/// <summary>
/// Go's <c>flag</c> package semantics, which Consul's CLI uses and operators' scripts depend on: <c>-name</c> or
/// <c>--name</c>, <c>-name=value</c> or <c>-name value</c>, booleans as <c>-name</c> or <c>-name=false</c>, parsing
/// stops at the first argument that is not a flag or at <c>--</c>. (System.CommandLine's POSIX rules would read
/// <c>-dev</c> as bundled short options, so it does not fit here; see docs/decisions.md.)
/// </summary>
public sealed class FlagSet(string command)
{
    private readonly Dictionary<string, Flag> _flags = new(StringComparer.Ordinal);

    public string Command => command;

    public FlagSet AddString(string name, string? defaultValue, string usage) => Add(name, FlagKind.String, defaultValue, usage);

    public FlagSet AddInt(string name, int defaultValue, string usage) => Add(name, FlagKind.Int, defaultValue.ToString(CultureInfo.InvariantCulture), usage);

    public FlagSet AddBool(string name, string usage) => Add(name, FlagKind.Bool, "false", usage);

    /// <summary>A flag that may repeat (<c>-retry-join a -retry-join b</c>).</summary>
    public FlagSet AddList(string name, string usage) => Add(name, FlagKind.Strings, null, usage);

    private FlagSet Add(string name, FlagKind kind, string? defaultValue, string usage)
    {
        _flags[name] = new Flag(name, kind, defaultValue, usage);
        return this;
    }

    /// <summary>Parses the flags and returns the remaining positional arguments.</summary>
    /// <exception cref="UsageException">An unknown flag, a missing value or a value of the wrong type.</exception>
    public IReadOnlyList<string> Parse(IReadOnlyList<string> args)
    {
        var i = 0;
        for (; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg == "--")
            {
                i++;
                break;
            }

            if (arg.Length < 2 || arg[0] != '-')
            {
                break;
            }

            var body = arg[1] == '-' ? arg[2..] : arg[1..];
            if (body.Length == 0 || body[0] == '-' || body[0] == '=')
            {
                throw new UsageException($"bad flag syntax: {arg}");
            }

            var equals = body.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? body : body[..equals];
            if (name is "h" or "help")
            {
                throw new HelpRequestedException(Usage());
            }

            if (!_flags.TryGetValue(name, out var flag))
            {
                throw new UsageException($"flag provided but not defined: -{name}");
            }

            string value;
            if (equals >= 0)
            {
                value = body[(equals + 1)..];
            }
            else if (flag.Kind == FlagKind.Bool)
            {
                value = "true";
            }
            else if (i + 1 < args.Count)
            {
                value = args[++i];
            }
            else
            {
                throw new UsageException($"flag needs an argument: -{name}");
            }

            flag.Set(value);
        }

        return [.. args.Skip(i)];
    }

    public bool IsSet(string name) => _flags[name].Values.Count > 0;

    public string? GetString(string name) => _flags[name] is var flag && flag.Values.Count > 0 ? flag.Values[^1] : flag.Default;

    public int GetInt(string name) => int.Parse(GetString(name) ?? "0", CultureInfo.InvariantCulture);

    public bool GetBool(string name) => bool.Parse(GetString(name) ?? "false");

    public IReadOnlyList<string> GetStrings(string name) => _flags[name].Values;

    public string Usage()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Usage: mesh {command} [options]\n\nOptions:\n");
        foreach (var flag in _flags.Values.OrderBy(f => f.Name, StringComparer.Ordinal))
        {
            var placeholder = flag.Kind switch
            {
                FlagKind.Bool => string.Empty,
                FlagKind.Int => "=<int>",
                _ => "=<value>",
            };
            text.Append(CultureInfo.InvariantCulture, $"\n  -{flag.Name}{placeholder}\n     {flag.Usage}");
            if (flag.Default is { Length: > 0 } d && flag.Kind != FlagKind.Bool)
            {
                text.Append(CultureInfo.InvariantCulture, $" (default: {d})");
            }

            text.Append('\n');
        }

        return text.ToString();
    }

    private enum FlagKind
    {
        String,
        Int,
        Bool,
        Strings,
    }

    private sealed class Flag(string name, FlagKind kind, string? defaultValue, string usage)
    {
        public string Name => name;

        public FlagKind Kind => kind;

        public string? Default => defaultValue;

        public string Usage => usage;

        public List<string> Values { get; } = [];

        public void Set(string value)
        {
            switch (kind)
            {
                case FlagKind.Int when !int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out _):
                    throw new UsageException($"invalid value \"{value}\" for flag -{name}: parse error (expected an integer)");
                case FlagKind.Bool:
                    value = value switch
                    {
                        "1" or "t" or "T" or "true" or "TRUE" or "True" => "true",
                        "0" or "f" or "F" or "false" or "FALSE" or "False" => "false",
                        _ => throw new UsageException($"invalid boolean value \"{value}\" for -{name}: parse error"),
                    };
                    break;
            }

            if (kind != FlagKind.Strings)
            {
                Values.Clear();
            }

            Values.Add(value);
        }
    }
}

/// <summary>A command-line mistake: printed with the usage, exit code 1.</summary>
public class UsageException(string message) : Exception(message)
{
    public UsageException()
        : this("usage error")
    {
    }

    public UsageException(string message, Exception inner)
        : this(message + ": " + inner.Message)
    {
    }
}

/// <summary><c>-h</c> or <c>-help</c>: print the usage and exit 0.</summary>
public sealed class HelpRequestedException(string usage) : UsageException(usage)
{
    public HelpRequestedException()
        : this(string.Empty)
    {
    }

    public HelpRequestedException(string message, Exception inner)
        : this(message + inner.Message)
    {
    }
}
