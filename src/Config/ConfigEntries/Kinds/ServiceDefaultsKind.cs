using Mesh.Config.Access;

namespace Mesh.Config.ConfigEntries;

/// <summary><c>service-defaults</c>: a service's protocol and proxy settings, merged into its sidecars' registrations.</summary>
public sealed class ServiceDefaultsKind : ConfigEntryKind<ServiceDefaultsEntry>
{
    public const string KindName = "service-defaults";

    public override string Kind => KindName;

    public override AclResource Resource => AclResource.Service;

    protected override ServiceDefaultsEntry Normalize(ServiceDefaultsEntry entry) => entry with
    {
        Protocol = entry.Protocol?.ToLowerInvariant() ?? string.Empty,
        TransparentProxy = entry.TransparentProxy ?? new(),
        MeshGateway = entry.MeshGateway ?? new(),
        Expose = ProxySettingsValidation.Expose(entry.Expose),
        UpstreamConfig = entry.UpstreamConfig is { } upstreams ? UpstreamValidation.Normalize(upstreams) : null,
    };

    protected override void Validate(ServiceDefaultsEntry entry)
    {
        if (string.IsNullOrEmpty(entry.Name))
        {
            throw Fail("Name is required");
        }

        if (entry.Name == "*")
        {
            throw Fail("service-defaults name must be the name of a service, and not a wildcard");
        }

        ProxySettingsValidation.Protocol(entry.Protocol, "Protocol");
        ProxySettingsValidation.Mode(entry.Mode);
        ProxySettingsValidation.TransparentProxy(entry.TransparentProxy);
        ProxySettingsValidation.MutualTlsMode(entry.MutualTlsMode);
        ProxySettingsValidation.MeshGateway(entry.MeshGateway, "MeshGateway");
        ProxySettingsValidation.ConnectionBalance(entry.BalanceInboundConnections, "BalanceInboundConnections");
        ProxySettingsValidation.NonNegative(entry.MaxInboundConnections, "MaxInboundConnections");
        ProxySettingsValidation.NonNegative(entry.LocalConnectTimeoutMs, "LocalConnectTimeoutMs");
        ProxySettingsValidation.NonNegative(entry.LocalRequestTimeoutMs, "LocalRequestTimeoutMs");
        ConfigMeta.Validate(entry.Meta);

        if (entry.UpstreamConfig is not null && entry.Destination is not null)
        {
            throw Fail("UpstreamConfig and Destination are mutually exclusive for service defaults");
        }

        if (entry.UpstreamConfig is { } upstreams)
        {
            UpstreamValidation.Validate(upstreams);
        }

        if (entry.Destination is { } destination)
        {
            ValidateDestination(destination);
        }
    }

    protected override ServiceDefaultsEntry WithoutEnvelope(ServiceDefaultsEntry entry)
        => entry with { Kind = null, Name = null, Hash = null, CreateIndex = null, ModifyIndex = null };

    private static void ValidateDestination(DestinationConfig destination)
    {
        if (destination.Addresses is not { Count: > 0 } addresses)
        {
            throw Fail("Destination must contain at least one valid address");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var address in addresses)
        {
            if (!seen.Add(address))
            {
                throw Fail($"Destination: duplicate address '{address}' is not allowed");
            }

            if (!ProxySettingsValidation.IsValidAddress(address))
            {
                throw Fail($"Destination address '{address}' is invalid: could not validate it as an IP or hostname");
            }
        }

        if (destination.Port is < 1 or > 65535)
        {
            throw Fail($"Destination: invalid Port number {destination.Port}");
        }
    }
}
