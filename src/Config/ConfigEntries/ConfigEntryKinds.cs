using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mesh.Config.ConfigEntries;

/// <summary>
/// The registry of config entry kinds. A new kind (service-router, ingress-gateway, ...) is a class deriving from
/// <see cref="ConfigEntryKind{TEntry}"/> plus one line here and one <c>[JsonSerializable]</c> line in
/// <see cref="ConfigEntryJsonContext"/>.
/// </summary>
public static class ConfigEntryKinds
{
    public static ProxyDefaultsKind ProxyDefaults { get; } = new();

    public static ServiceDefaultsKind ServiceDefaults { get; } = new();

    public static MeshKind Mesh { get; } = new();

    public static ServiceIntentionsKind ServiceIntentions { get; } = new();

    public static ServiceRouterKind ServiceRouter { get; } = new();

    public static ServiceSplitterKind ServiceSplitter { get; } = new();

    public static ServiceResolverKind ServiceResolver { get; } = new();

    public static IngressGatewayKind IngressGateway { get; } = new();

    public static TerminatingGatewayKind TerminatingGateway { get; } = new();

    public static ApiGatewayKind ApiGateway { get; } = new();

    public static HttpRouteKind HttpRoute { get; } = new();

    public static TcpRouteKind TcpRoute { get; } = new();

    public static InlineCertificateKind InlineCertificate { get; } = new();

    private static readonly Dictionary<string, IConfigEntryKind> ByName = new IConfigEntryKind[]
    {
        ProxyDefaults,
        ServiceDefaults,
        Mesh,
        ServiceIntentions,
        ServiceRouter,
        ServiceSplitter,
        ServiceResolver,
        IngressGateway,
        TerminatingGateway,
        ApiGateway,
        HttpRoute,
        TcpRoute,
        InlineCertificate,
    }.ToDictionary(kind => kind.Kind, StringComparer.Ordinal);

    public static IEnumerable<string> Names => ByName.Keys.Order(StringComparer.Ordinal);

    public static IConfigEntryKind? Find(string kind) => ByName.GetValueOrDefault(kind);

    /// <exception cref="InvalidConfigEntryException">The kind is not known (Consul's message).</exception>
    public static IConfigEntryKind Require(string kind)
        => Find(kind) ?? throw new InvalidConfigEntryException($"invalid config entry kind: {kind}");

    /// <summary>
    /// Decodes a request document: its <c>Kind</c> (or <c>kind</c>) picks the kind, which decodes and validates the
    /// rest. Keys may be PascalCase, any case of it, or snake_case.
    /// </summary>
    public static ParsedConfigEntry Decode(JsonObject document)
    {
        var kinds = document.Where(pair => pair.Key.Equals("Kind", StringComparison.OrdinalIgnoreCase)).ToList();
        if (kinds.Count == 0)
        {
            throw new InvalidConfigEntryException("Payload does not contain a kind/Kind key at the top level");
        }

        if (kinds[0].Value is not JsonValue value || value.GetValueKind() != JsonValueKind.String)
        {
            throw new InvalidConfigEntryException("Kind value in payload is not a string");
        }

        return Require(value.GetValue<string>()).Parse(document);
    }
}
