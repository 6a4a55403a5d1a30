using System.Collections.Frozen;

namespace Mesh.Hcl;

/// <summary>
/// Keys whose blocks are always a list, even when the file has only one. HCL1 cannot tell <c>services { ... }</c>
/// (a list of one) from <c>service { ... }</c> (one object); Consul resolves it with a table of list-typed keys after
/// decoding, and so does Mesh. Keys are compared ignoring case and underscores (<c>sidecar_service</c> = <c>SidecarService</c>).
/// Other keys give an object for one block and a list for repeated blocks.
/// </summary>
public sealed class HclListKeys
{
    private readonly FrozenSet<string> _keys;

    public HclListKeys(IEnumerable<string> keys) => _keys = keys.Select(Normalize).ToFrozenSet(StringComparer.Ordinal);

    /// <summary>Consul's agent configuration: service and check definitions, watches, bootstrap config entries.</summary>
    public static HclListKeys AgentConfig { get; } = new(
    [
        "services", "checks", "watches", "segments", "upstreams", "paths", "bootstrap", "retry_join", "start_join",
    ]);

    /// <summary><c>mesh services register</c> files: <c>services</c>, a service's <c>checks</c>, a proxy's upstreams and expose paths.</summary>
    public static HclListKeys ServiceDefinition { get; } = new(["services", "checks", "upstreams", "paths"]);

    /// <summary>Config entries' list-typed fields (intentions' sources and permissions, router routes, splitter splits, gateway listeners and services, ...).</summary>
    public static HclListKeys ConfigEntry { get; } = new(
    [
        "sources", "permissions", "routes", "splits", "listeners", "services", "overrides", "paths", "header",
        "query_param", "targets", "rules", "filters",
    ]);

    public bool Contains(string key) => _keys.Contains(Normalize(key));

    private static string Normalize(string key) => key.Replace("_", string.Empty, StringComparison.Ordinal).ToUpperInvariant();
}
