using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace Mesh.Agent.Logging;

/// <summary>
/// The agent's text log: one line per message (<c>timestamp level: category[event] message</c>, as the simple console
/// logger's single-line form), and an exception below it on indented lines, stack frame by stack frame, so that a
/// failure reads as it would in a debugger rather than as one very long line.
/// </summary>
public sealed class ReadableTextFormatter() : ConsoleFormatter(FormatterName)
{
    public const string FormatterName = "mesh-text";

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        ArgumentNullException.ThrowIfNull(textWriter);
        textWriter.Write(Format(logEntry, DateTimeOffset.UtcNow));
    }

    public static string Format<TState>(in LogEntry<TState> entry, DateTimeOffset now)
    {
        var text = new StringBuilder(160);
        text.Append(now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)).Append(' ')
            .Append(Level(entry.LogLevel)).Append(": ").Append(entry.Category)
            .Append('[').Append(entry.EventId.Id.ToString(CultureInfo.InvariantCulture)).Append("] ")
            .Append(entry.Formatter(entry.State, entry.Exception).ReplaceLineEndings(" "))
            .Append('\n');
        if (entry.Exception is { } exception)
        {
            foreach (var line in exception.ToString().ReplaceLineEndings("\n").Split('\n'))
            {
                text.Append("    ").Append(line).Append('\n');
            }
        }

        return text.ToString();
    }

    private static string Level(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        _ => "crit",
    };
}
