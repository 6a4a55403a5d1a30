using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Mesh.Config.ConfigEntries;
using Mesh.Config.Intentions;

namespace Mesh.Api.Intentions;

/// <summary>Source-generated JSON for the intention and authorize endpoints (lenient input, as Consul's decoder).</summary>
[JsonSourceGenerationOptions(PropertyNameCaseInsensitive = true, MaxDepth = 64)]
[JsonSerializable(typeof(List<IntentionView>))]
[JsonSerializable(typeof(IntentionView))]
[JsonSerializable(typeof(SortedDictionary<string, List<IntentionView>>))]
[JsonSerializable(typeof(IntentionPutBody))]
[JsonSerializable(typeof(IntentionBody))]
[JsonSerializable(typeof(IntentionIdResult))]
[JsonSerializable(typeof(IntentionCheckResult))]
[JsonSerializable(typeof(AuthorizeRequestBody))]
[JsonSerializable(typeof(AuthorizeResult))]
public sealed partial class IntentionJsonContext : JsonSerializerContext;

/// <summary>The intention JSON options, with Go's omitempty rule applied.</summary>
public static class IntentionJson
{
    private static readonly JsonSerializerOptions Options = Build();

    public static JsonTypeInfo<T> Info<T>() => (JsonTypeInfo<T>)Options.GetTypeInfo(typeof(T));

    private static JsonSerializerOptions Build()
    {
        var options = new JsonSerializerOptions(IntentionJsonContext.Default.Options)
        {
            TypeInfoResolver = IntentionJsonContext.Default.WithAddedModifier(ConfigEntryJson.ApplyOmitEmpty),
        };
        options.MakeReadOnly();
        return options;
    }
}
