using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace Mesh.Agent.Logging;

/// <summary>
/// <c>-log-json</c>: one JSON object per line with the keys of Consul's logger (hclog): <c>@level</c>,
/// <c>@message</c>, <c>@module</c> and <c>@timestamp</c>, then the message's named values, the event id and, for a
/// failure, the whole exception.
/// </summary>
public sealed class ConsulJsonFormatter() : ConsoleFormatter(FormatterName)
{
    public const string FormatterName = "consul-json";

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        ArgumentNullException.ThrowIfNull(textWriter);
        textWriter.Write(Format(logEntry, DateTimeOffset.UtcNow));
        textWriter.Write('\n');
    }

    public static string Format<TState>(in LogEntry<TState> entry, DateTimeOffset now)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        // Relaxed escaping, as Go's encoder writes: "->" and quotes stay readable ('>' is not written as \u003E).
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            json.WriteString("@level", Level(entry.LogLevel));
            json.WriteString("@message", entry.Formatter(entry.State, entry.Exception));
            json.WriteString("@module", entry.Category);
            json.WriteString("@timestamp", now.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture));
            if (entry.EventId.Id != 0)
            {
                json.WriteNumber("event_id", entry.EventId.Id);
            }

            if (entry.State is IReadOnlyList<KeyValuePair<string, object?>> values)
            {
                foreach (var (key, value) in values)
                {
                    if (key == "{OriginalFormat}" || key.StartsWith('@'))
                    {
                        continue;
                    }

                    WriteValue(json, key, value);
                }
            }

            if (entry.Exception is { } exception)
            {
                json.WriteString("exception", exception.ToString());
            }

            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>hclog's level names.</summary>
    public static string Level(LogLevel level) => level switch
    {
        LogLevel.Trace => "trace",
        LogLevel.Debug => "debug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        _ => "error",
    };

    private static void WriteValue(Utf8JsonWriter json, string key, object? value)
    {
        switch (value)
        {
            case null:
                json.WriteNull(key);
                break;
            case bool flag:
                json.WriteBoolean(key, flag);
                break;
            case int or long or short or byte or uint or ulong or ushort:
                json.WriteNumber(key, Convert.ToInt64(value, CultureInfo.InvariantCulture));
                break;
            case double or float or decimal:
                json.WriteNumber(key, Convert.ToDouble(value, CultureInfo.InvariantCulture));
                break;
            case IFormattable formattable:
                json.WriteString(key, formattable.ToString(null, CultureInfo.InvariantCulture));
                break;
            default:
                json.WriteString(key, value.ToString());
                break;
        }
    }
}
