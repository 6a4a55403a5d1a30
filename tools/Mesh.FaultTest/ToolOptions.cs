using System.Globalization;

namespace Mesh.FaultTest;

/// <summary><c>--name value</c> options after the subcommand; every option takes a value.</summary>
public sealed class ToolOptions
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    private ToolOptions()
    {
    }

    public static ToolOptions Parse(IReadOnlyList<string> args)
    {
        var options = new ToolOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"unexpected argument \"{arg}\"");
            }

            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                options._values[arg[2..equals]] = arg[(equals + 1)..];
            }
            else if (i + 1 < args.Count)
            {
                options._values[arg[2..]] = args[++i];
            }
            else
            {
                throw new ArgumentException($"option {arg} needs a value");
            }
        }

        return options;
    }

    public string? Text(string name) => _values.GetValueOrDefault(name);

    public string Text(string name, string fallback) => _values.GetValueOrDefault(name) ?? fallback;

    public int Number(string name, int fallback)
        => _values.TryGetValue(name, out var value) ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;

    /// <summary>Seconds, as a plain number (<c>--duration 10</c>).</summary>
    public TimeSpan Seconds(string name, double fallback)
        => TimeSpan.FromSeconds(_values.TryGetValue(name, out var value) ? double.Parse(value, CultureInfo.InvariantCulture) : fallback);

    public IReadOnlyList<string> List(string name, string fallback)
        => Text(name, fallback).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public IReadOnlyList<int> Numbers(string name, string fallback)
        => [.. List(name, fallback).Select(item => int.Parse(item, CultureInfo.InvariantCulture))];

    /// <summary>Fails on options nobody asked for, so a typo never silently runs the defaults.</summary>
    public void RejectUnknown(params string[] known)
    {
        var unknown = _values.Keys.Where(key => !known.Contains(key)).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException($"unknown option --{unknown[0]}; known: {string.Join(", ", known.Select(k => "--" + k))}");
        }
    }
}
