using System.Text.Json;
using Mesh.ProxyCfg;

namespace Mesh.EnvoyResources;

/// <summary>One address a gateway listens on, named as Consul names it (<c>default</c>, a tagged address key, or a bind address key).</summary>
internal sealed record GatewayBind(string Name, string Address, int Port);

/// <summary>
/// The named addresses and ports a mesh gateway's listeners bind to (Consul's <c>listenersFromSnapshotGateway</c>): the
/// gateway's own address and port as <c>default</c> unless <c>envoy_gateway_no_default_bind</c>, each tagged address
/// (with its port) when <c>envoy_gateway_bind_tagged_addresses</c>, and every <c>envoy_gateway_bind_addresses</c> entry;
/// an address and port already taken is skipped, and the result is sorted by name as Consul sorts it.
/// </summary>
internal static class GatewayBinds
{
    public static IReadOnlyList<GatewayBind> Of(ConfigSnapshot snapshot)
    {
        var noDefault = false;
        var tagged = false;
        var extra = new List<GatewayBind>();
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
                            extra.AddRange(property.Value.EnumerateObject()
                                .OrderBy(bind => bind.Name, StringComparer.Ordinal)
                                .Select(bind => Bind(bind.Name, bind.Value))
                                .OfType<GatewayBind>());
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
            binds.AddRange(snapshot.TaggedAddresses
                .Where(pair => pair.Value.Address.Length > 0)
                .Select(pair => new GatewayBind(pair.Key, pair.Value.Address, pair.Value.Port)));
        }

        binds.AddRange(extra);
        return [.. binds.DistinctBy(bind => (bind.Address, bind.Port)).OrderBy(bind => bind.Name, StringComparer.Ordinal)];
    }

    private static bool IsTrue(JsonElement value)
        => value.ValueKind == JsonValueKind.True || (value.ValueKind == JsonValueKind.String && bool.TryParse(value.GetString(), out var flag) && flag);

    private static GatewayBind? Bind(string name, JsonElement bind)
    {
        if (bind.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        string? address = null;
        var port = 0;
        foreach (var property in bind.EnumerateObject())
        {
            if (property.Name.Equals("address", StringComparison.OrdinalIgnoreCase) && property.Value.ValueKind == JsonValueKind.String)
            {
                address = property.Value.GetString();
            }
            else if (property.Name.Equals("port", StringComparison.OrdinalIgnoreCase) && property.Value.ValueKind == JsonValueKind.Number)
            {
                port = property.Value.TryGetInt32(out var number) ? number : 0;
            }
        }

        return address is { Length: > 0 } ? new GatewayBind(name, address, port) : null;
    }
}
