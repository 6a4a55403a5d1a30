using System.Text.Json;
using Mesh.Config.ConfigEntries;
using Mesh.Fsm.State;

namespace Mesh.Config.DiscoveryChain;

/// <summary>
/// The config entries a compile reads (Consul's <c>DiscoveryChainSet</c>), typed on first use. Lookups are by service
/// name only: namespaces and partitions are a Consul Enterprise feature, so every entry lives in <c>default</c>.
/// </summary>
internal sealed class ChainEntries
{
    private readonly StoreState _state;
    private readonly Dictionary<(string Kind, string Name), object?> _typed = [];
    private ProxyDefaultsEntry? _proxyDefaults;
    private bool _proxyDefaultsRead;

    public ChainEntries(StoreState state) => _state = state;

    public ServiceRouterEntry? Router(string service) => Typed(ConfigEntryKinds.ServiceRouter, service);

    public ServiceSplitterEntry? Splitter(string service) => Typed(ConfigEntryKinds.ServiceSplitter, service);

    public ServiceResolverEntry? Resolver(string service) => Typed(ConfigEntryKinds.ServiceResolver, service);

    public ServiceDefaultsEntry? ServiceDefaults(string service) => Typed(ConfigEntryKinds.ServiceDefaults, service);

    public ProxyDefaultsEntry? ProxyDefaults
    {
        get
        {
            if (!_proxyDefaultsRead)
            {
                _proxyDefaults = Typed(ConfigEntryKinds.ProxyDefaults, ProxyDefaultsKind.GlobalName);
                _proxyDefaultsRead = true;
            }

            return _proxyDefaults;
        }
    }

    /// <summary>The service's protocol as written: service-defaults <c>Protocol</c>, else proxy-defaults <c>Config.protocol</c>, else empty.</summary>
    public string ProtocolOf(string service)
    {
        if (ServiceDefaults(service)?.Protocol is { Length: > 0 } protocol)
        {
            return protocol;
        }

        return ProxyDefaults?.Config is { IsEmpty: false } config ? ConfigProtocol(config.Json) : string.Empty;
    }

    /// <summary>The <c>protocol</c> key of a proxy <c>Config</c> map (keys matched without regard to case, as mapstructure does).</summary>
    public static string ConfigProtocol(string json)
    {
        using var document = JsonDocument.Parse(json);
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            return string.Empty;
        }

        foreach (var property in document.RootElement.EnumerateObject())
        {
            if (property.Name.Equals("protocol", StringComparison.OrdinalIgnoreCase) && property.Value.ValueKind == JsonValueKind.String)
            {
                return property.Value.GetString() ?? string.Empty;
            }
        }

        return string.Empty;
    }

    private TEntry? Typed<TEntry>(ConfigEntryKind<TEntry> kind, string name)
        where TEntry : class, IConfigEntryDocument
    {
        if (!_typed.TryGetValue((kind.Kind, name), out var value))
        {
            value = _state.FindConfigEntry(kind.Kind, name) is { } stored ? kind.Read(stored) : null;
            _typed[(kind.Kind, name)] = value;
        }

        return (TEntry?)value;
    }
}
