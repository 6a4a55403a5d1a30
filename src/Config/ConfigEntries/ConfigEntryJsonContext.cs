using System.Text.Json;
using System.Text.Json.Serialization;

namespace Mesh.Config.ConfigEntries;

/// <summary>Source-generated metadata for the config entry documents; use it through <see cref="ConfigEntryJson"/>.</summary>
[JsonSourceGenerationOptions(
    PropertyNameCaseInsensitive = true,
    ReadCommentHandling = JsonCommentHandling.Disallow,
    AllowTrailingCommas = false,
    MaxDepth = 64)]
[JsonSerializable(typeof(ProxyDefaultsEntry))]
[JsonSerializable(typeof(ServiceDefaultsEntry))]
[JsonSerializable(typeof(MeshEntry))]
[JsonSerializable(typeof(ServiceIntentionsEntry))]
[JsonSerializable(typeof(ServiceRouterEntry))]
[JsonSerializable(typeof(ServiceSplitterEntry))]
[JsonSerializable(typeof(ServiceResolverEntry))]
[JsonSerializable(typeof(IngressGatewayEntry))]
[JsonSerializable(typeof(TerminatingGatewayEntry))]
[JsonSerializable(typeof(ApiGatewayEntry))]
[JsonSerializable(typeof(HttpRouteEntry))]
[JsonSerializable(typeof(TcpRouteEntry))]
[JsonSerializable(typeof(InlineCertificateEntry))]
public sealed partial class ConfigEntryJsonContext : JsonSerializerContext;
