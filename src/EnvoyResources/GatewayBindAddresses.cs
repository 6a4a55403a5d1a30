using System.Text.Json;
using Mesh.ProxyCfg;

namespace Mesh.EnvoyResources;

/// <summary>
/// The addresses a gateway's listeners bind to (Consul's gateway <c>xds/config.GatewayConfig</c>): the gateway's own
/// address unless <c>envoy_gateway_no_default_bind</c>, each tagged address when <c>envoy_gateway_bind_tagged_addresses</c>,
/// and every <c>envoy_gateway_bind_addresses</c> entry. Distinct, in that order; a value of the wrong type is ignored.
/// </summary>
internal static class GatewayBindAddresses
{
    public static IReadOnlyList<string> Of(ConfigSnapshot snapshot)
    {
        var noDefault = false;
        var tagged = false;
        var extra = new List<string>();
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
                                .Select(bind => Address(bind.Value))
                                .OfType<string>());
                            break;
                    }
                }
            }
        }

        var addresses = new List<string>();
        if (!noDefault)
        {
            addresses.Add(snapshot.Address.Length > 0 ? snapshot.Address : "0.0.0.0");
        }

        if (tagged)
        {
            addresses.AddRange(snapshot.TaggedAddresses.Values.Select(address => address.Address).Where(address => address.Length > 0));
        }

        addresses.AddRange(extra);
        return [.. addresses.Distinct(StringComparer.Ordinal)];
    }

    private static bool IsTrue(JsonElement value)
        => value.ValueKind == JsonValueKind.True || (value.ValueKind == JsonValueKind.String && bool.TryParse(value.GetString(), out var flag) && flag);

    private static string? Address(JsonElement bind)
        => bind.ValueKind == JsonValueKind.Object
           && bind.EnumerateObject().FirstOrDefault(p => p.Name.Equals("address", StringComparison.OrdinalIgnoreCase)) is { Value.ValueKind: JsonValueKind.String } found
           && found.Value.GetString() is { Length: > 0 } address
            ? address
            : null;
}
