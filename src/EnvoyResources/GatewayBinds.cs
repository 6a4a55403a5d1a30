using System.Text.Json;
using Mesh.ProxyCfg;

namespace Mesh.EnvoyResources;

/// <summary>One address a gateway listens on, named as Consul names it (<c>default</c>, a tagged address key, or a bind address key).</summary>
internal sealed record GatewayBind(string Name, string Address, int Port);

/// <summary>
/// The addresses a gateway's listeners bind to, from the options Consul reads into its gateway
/// <c>xds/config.GatewayConfig</c> (<c>listenersFromSnapshotGateway</c>): the gateway's own address and port as
/// <c>default</c> unless <c>envoy_gateway_no_default_bind</c>, each tagged address (with its port) when
/// <c>envoy_gateway_bind_tagged_addresses</c>, and every object entry of <c>envoy_gateway_bind_addresses</c> (sorted by
/// name). A value of the wrong type is ignored; an entry's address that is missing or not a string is empty.
/// </summary>
internal static class GatewayBinds
{
    /// <summary>
    /// The binds of a mesh gateway: those with an address, an address and port already taken skipped (the first in
    /// default, tagged, configured order kept), sorted by name.
    /// </summary>
    public static IReadOnlyList<GatewayBind> Of(ConfigSnapshot snapshot)
        => [.. Candidates(snapshot)
            .Where(bind => bind.Address.Length > 0)
            .DistinctBy(bind => (bind.Address, bind.Port))
            .OrderBy(bind => bind.Name, StringComparer.Ordinal)];

    /// <summary>
    /// The binds of a terminating gateway: every one, sorted by name, an address and port already taken by an
    /// earlier name skipped.
    /// </summary>
    public static IReadOnlyList<GatewayBind> FirstByName(ConfigSnapshot snapshot)
    {
        var seen = new HashSet<(string, int)>();
        return [.. Candidates(snapshot).OrderBy(bind => bind.Name, StringComparer.Ordinal).Where(bind => seen.Add((bind.Address, bind.Port)))];
    }

    /// <summary>The distinct non-empty addresses (ports aside) in default, tagged, configured order: what ingress and API gateways bind.</summary>
    public static IReadOnlyList<string> Addresses(ConfigSnapshot snapshot)
        => [.. Candidates(snapshot).Select(bind => bind.Address).Where(address => address.Length > 0).Distinct(StringComparer.Ordinal)];

    /// <summary>Every bind the options ask for, in default, tagged, configured order; addresses may be empty.</summary>
    private static List<GatewayBind> Candidates(ConfigSnapshot snapshot)
    {
        var noDefault = false;
        var tagged = false;
        var configured = new List<GatewayBind>();
        using (var document = JsonDocument.Parse(snapshot.Proxy.Config.IsEmpty ? "{}" : snapshot.Proxy.Config.Json))
        {
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in document.RootElement.EnumerateObject())
                {
                    switch (property.Name)
                    {
                        case "envoy_gateway_no_default_bind":
                            noDefault = IsTrue(property.Value);
                            break;
                        case "envoy_gateway_bind_tagged_addresses":
                            tagged = IsTrue(property.Value);
                            break;
                        case "envoy_gateway_bind_addresses" when property.Value.ValueKind == JsonValueKind.Object:
                            configured.AddRange(property.Value.EnumerateObject()
                                .Where(bind => bind.Value.ValueKind == JsonValueKind.Object)
                                .OrderBy(bind => bind.Name, StringComparer.Ordinal)
                                .Select(bind => Configured(bind.Name, bind.Value)));
                            break;
                    }
                }
            }
        }

        var binds = new List<GatewayBind>();
        if (!noDefault)
        {
            binds.Add(new GatewayBind("default", snapshot.Address.Length > 0 ? snapshot.Address : "0.0.0.0", snapshot.Port));
        }

        if (tagged)
        {
            binds.AddRange(snapshot.TaggedAddresses.Select(pair => new GatewayBind(pair.Key, pair.Value.Address, pair.Value.Port)));
        }

        binds.AddRange(configured);
        return binds;
    }

    private static bool IsTrue(JsonElement value)
        => value.ValueKind == JsonValueKind.True || (value.ValueKind == JsonValueKind.String && bool.TryParse(value.GetString(), out var flag) && flag);

    private static GatewayBind Configured(string name, JsonElement bind)
    {
        var address = string.Empty;
        var port = 0;
        foreach (var property in bind.EnumerateObject())
        {
            if (property.Name.Equals("address", StringComparison.OrdinalIgnoreCase) && property.Value.ValueKind == JsonValueKind.String)
            {
                address = property.Value.GetString() ?? string.Empty;
            }
            else if (property.Name.Equals("port", StringComparison.OrdinalIgnoreCase) && property.Value.ValueKind == JsonValueKind.Number)
            {
                port = property.Value.TryGetInt32(out var number) ? number : 0;
            }
        }

        return new GatewayBind(name, address, port);
    }
}
