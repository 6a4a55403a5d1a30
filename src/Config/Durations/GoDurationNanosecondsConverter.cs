using System.Text.Json;
using System.Text.Json.Serialization;

namespace Mesh.Config.Durations;

/// <summary>
/// A Go <c>time.Duration</c> field that Consul writes as JSON nanoseconds (no custom marshaller, e.g.
/// <c>PassiveHealthCheck.Interval</c>) and decodes from either nanoseconds or a duration string: held here as the Go
/// duration string, read from either form, written as nanoseconds so <c>config read</c> gives Consul's shape back.
/// A string that is not a Go duration is written as given (validation refuses it where it matters).
/// </summary>
public sealed class GoDurationNanosecondsConverter : JsonConverter<string>
{
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        => reader.TokenType switch
        {
            JsonTokenType.Number when reader.TryGetInt64(out var nanoseconds) => GoDuration.Format(TimeSpan.FromTicks(nanoseconds / 100)),
            JsonTokenType.String => reader.GetString(),
            _ => throw new JsonException("expected a duration: nanoseconds or a string such as \"10s\""),
        };

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (GoDuration.TryParse(value, out var duration))
        {
            writer.WriteNumberValue(duration.Ticks * 100);
        }
        else
        {
            writer.WriteStringValue(value);
        }
    }
}
