using System.Text.Json;
using Mesh.ProxyCfg;

namespace Mesh.EnvoyResources;

/// <summary>
/// The named addresses a gateway with one public listener binds (Consul's <c>listenersFromSnapshotGateway</c>):
/// <c>default</c> (the gateway's address and port) unless <c>envoy_gateway_no_default_bind</c>, each tagged address
/// under its tag when <c>envoy_gateway_bind_tagged_addresses</c>, and each <c>envoy_gateway_bind_addresses</c> entry
/// under its name; sorted by name and de-duplicated on address and port, the first name kept.
/// </summary>
internal static class NamedGatewayAddresses
{
    public static IReadOnlyList<(string Name, string Address, int Port)> Of(ConfigSnapshot snapshot)
    {
        var noDefault = false;
        var tagged = false;
        var named = new List<(string Name, string Address, int Port)>();
        var extra = new List<(string Name, string Address, int Port)>();
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
                                .Where(bind => bind.Value.ValueKind == JsonValueKind.Object)
                                .Select(bind => (bind.Name, Field(bind.Value, "address")?.GetString() ?? string.Empty, Port(Field(bind.Value, "port")))));
                            break;
                    }
                }
            }
        }

        if (!noDefault)
        {
            named.Add(("default", snapshot.Address.Length > 0 ? snapshot.Address : "0.0.0.0", snapshot.Port));
        }

        if (tagged)
        {
            named.AddRange(snapshot.TaggedAddresses.Select(pair => (pair.Key, pair.Value.Address, pair.Value.Port)));
        }

        named.AddRange(extra);
        var seen = new HashSet<(string, int)>();
        return [.. named.OrderBy(address => address.Name, StringComparer.Ordinal).Where(address => seen.Add((address.Address, address.Port)))];
    }

    private static bool IsTrue(JsonElement value)
        => value.ValueKind == JsonValueKind.True || (value.ValueKind == JsonValueKind.String && bool.TryParse(value.GetString(), out var flag) && flag);

    private static JsonElement? Field(JsonElement bind, string name)
        => bind.EnumerateObject().FirstOrDefault(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase)) is { Value.ValueKind: not JsonValueKind.Undefined } found
            ? found.Value
            : null;

    private static int Port(JsonElement? value)
        => value is { ValueKind: JsonValueKind.Number } number && number.TryGetInt32(out var port) ? port : 0;
}
