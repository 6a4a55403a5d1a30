using System.Collections;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;
using Mesh.Fsm.Model;

using Mesh.Config.Json;

namespace Mesh.Config.ConfigEntries;

/// <summary>
/// JSON for config entry documents: case-insensitive input as Go decodes it, unknown keys rejected (Consul's
/// mapstructure <c>ErrorUnused</c>), <see cref="OmitEmptyAttribute"/> honoured on output.
/// </summary>
public static partial class ConfigEntryJson
{
    /// <summary>For request documents: unknown keys are an error.</summary>
    public static JsonSerializerOptions Strict { get; } = Build(JsonUnmappedMemberHandling.Disallow);

    /// <summary>For stored bodies: written by an earlier version, so a field that no longer exists is skipped.</summary>
    public static JsonSerializerOptions Stored { get; } = Build(JsonUnmappedMemberHandling.Skip);

    public static JsonTypeInfo<T> Info<T>(JsonSerializerOptions options) => (JsonTypeInfo<T>)options.GetTypeInfo(typeof(T));

    /// <summary>Decodes a request document into <typeparamref name="T"/>, turning decoder errors into messages that name the field.</summary>
    public static T Decode<T>(JsonNode document)
        where T : class
    {
        TranslateKeys(document, typeof(T));
        try
        {
            return document.Deserialize(Info<T>(Strict)) ?? throw new InvalidConfigEntryException("config entry is null");
        }
        catch (JsonException error)
        {
            throw new InvalidConfigEntryException(Describe<T>(error), error);
        }
    }

    /// <summary>Consul's <c>HookTranslateKeys</c>, guided by the entry's type (see <see cref="SnakeCaseAliases"/>).</summary>
    public static void TranslateKeys(JsonNode? node, Type type)
        => SnakeCaseAliases.Normalize(node, Strict.GetTypeInfo(Nullable.GetUnderlyingType(type) ?? type));

    /// <summary>Reads a stored body back into its typed form.</summary>
    public static T Read<T>(JsonBlob body)
        where T : class
        => JsonSerializer.Deserialize(body.Json, Info<T>(Stored)) ?? throw new InvalidOperationException("stored config entry body is null");

    /// <summary>The canonical body: the typed serialization with object keys sorted, no insignificant white space.</summary>
    public static JsonBlob Canonical<T>(T value)
        => JsonBlob.From(JsonSerializer.SerializeToElement(value, Info<T>(Stored)));

    /// <summary>Writes the properties of a typed value, in declaration order, into an object being written.</summary>
    public static void WriteProperties<T>(Utf8JsonWriter writer, T value)
    {
        foreach (var property in JsonSerializer.SerializeToElement(value, Info<T>(Stored)).EnumerateObject())
        {
            property.WriteTo(writer);
        }
    }

    private static JsonSerializerOptions Build(JsonUnmappedMemberHandling unmapped)
    {
        var options = new JsonSerializerOptions(ConfigEntryJsonContext.Default.Options)
        {
            UnmappedMemberHandling = unmapped,
            TypeInfoResolver = ConfigEntryJsonContext.Default.WithAddedModifier(ApplyOmitEmpty),
        };
        options.MakeReadOnly();
        return options;
    }

    /// <summary>The <see cref="OmitEmptyAttribute"/> rule, for any source-generated context (add with <c>WithAddedModifier</c>).</summary>
    public static void ApplyOmitEmpty(JsonTypeInfo info)
    {
        foreach (var property in info.Properties)
        {
            if (property.AttributeProvider?.IsDefined(typeof(OmitEmptyAttribute), inherit: false) == true)
            {
                property.ShouldSerialize = static (_, value) => !IsEmpty(value);
            }
        }
    }

    private static bool IsEmpty(object? value) => value switch
    {
        null => true,
        string text => text.Length == 0,
        bool flag => !flag,
        int number => number == 0,
        long number => number == 0,
        uint number => number == 0,
        ulong number => number == 0,
        double number => number == 0,
        JsonBlob blob => blob.IsEmpty,
        ICollection collection => collection.Count == 0,
        _ => false,
    };

    /// <summary>Consul's messages: <c>invalid config key "Sources[0].Foo"</c>, or the field and the expected type.</summary>
    private static string Describe<T>(JsonException error)
    {
        var path = (error.Path ?? string.Empty).TrimStart('$').TrimStart('.');
        if (error.Message.Contains("could not be mapped to any .NET member", StringComparison.Ordinal))
        {
            var key = path.Split('.')[^1];
            return key.EndsWith("namespace", StringComparison.OrdinalIgnoreCase) || key.Equals("partition", StringComparison.OrdinalIgnoreCase)
                ? $"invalid config key \"{path}\", namespaces and partitions are a Consul Enterprise feature"
                : $"invalid config key \"{path}\"";
        }

        return path.Length > 0 && ExpectedAt(typeof(T), path) is { } expected
            ? $"invalid value for \"{path}\": expected {expected}"
            : path.Length > 0 ? $"invalid value for \"{path}\": {error.Message}" : error.Message;
    }

    /// <summary>What the field at a decoder path (<c>Sources[0].Permissions[1].HTTP</c>) holds, from the type metadata.</summary>
    private static string? ExpectedAt(Type root, string path)
    {
        var type = root;
        foreach (Match segment in PathSegment().Matches(path))
        {
            var info = Strict.GetTypeInfo(type);
            if (segment.Groups["index"].Success)
            {
                if (info.ElementType is not { } element)
                {
                    return null;
                }

                type = element;
                continue;
            }

            if (info.Kind == JsonTypeInfoKind.Dictionary && info.ElementType is { } value)
            {
                type = value;
                continue;
            }

            var name = segment.Groups["name"].Value;
            var property = info.Properties.FirstOrDefault(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
            if (property is null)
            {
                return null;
            }

            type = property.PropertyType;
        }

        type = Nullable.GetUnderlyingType(type) ?? type;
        return type switch
        {
            _ when type == typeof(string) => "a string",
            _ when type == typeof(bool) => "true or false",
            _ when type == typeof(int) || type == typeof(long) || type == typeof(ulong) => "an integer",
            _ when type == typeof(double) => "a number",
            _ when type == typeof(DateTimeOffset) => "an RFC 3339 time",
            _ when type == typeof(JsonBlob) => "a JSON object",
            _ => Strict.GetTypeInfo(type).Kind switch
            {
                JsonTypeInfoKind.Enumerable => "an array",
                JsonTypeInfoKind.Dictionary => "an object of strings",
                _ => "an object",
            },
        };
    }

    [GeneratedRegex(@"(?<name>[^.\[\]]+)|\[(?<index>\d+)\]", RegexOptions.CultureInvariant)]
    private static partial Regex PathSegment();
}
