namespace Mesh.Config.ConfigEntries;

/// <summary>service-defaults <c>UpstreamConfig</c>: Consul's <c>UpstreamConfig.normalize/validate</c>.</summary>
internal static class UpstreamValidation
{
    public static UpstreamConfiguration Normalize(UpstreamConfiguration upstreams) => upstreams with
    {
        Overrides = upstreams.Overrides?.Select(NormalizeOne).ToList(),
        Defaults = upstreams.Defaults is { } defaults ? NormalizeOne(defaults) : null,
    };

    public static void Validate(UpstreamConfiguration upstreams)
    {
        for (var i = 0; i < (upstreams.Overrides?.Count ?? 0); i++)
        {
            var upstream = upstreams.Overrides![i];
            var field = $"UpstreamConfig.Overrides[{i}]";
            if (string.IsNullOrEmpty(upstream.Name))
            {
                throw ProxySettingsValidation.Fail($"{field}.Name is required");
            }

            if (upstream.Name == "*")
            {
                throw ProxySettingsValidation.Fail($"{field}.Name: wildcard name is not supported");
            }

            if (upstream.Peer?.Contains('*', StringComparison.Ordinal) == true)
            {
                throw ProxySettingsValidation.Fail($"{field}.Peer: cannot use wildcard '*' in peer");
            }

            ValidateOne(upstream, field);
        }

        if (upstreams.Defaults is { } defaults)
        {
            if (!string.IsNullOrEmpty(defaults.Name))
            {
                throw ProxySettingsValidation.Fail("UpstreamConfig.Defaults.Name must be empty");
            }

            if (!string.IsNullOrEmpty(defaults.Peer))
            {
                throw ProxySettingsValidation.Fail("UpstreamConfig.Defaults.Peer must be empty");
            }

            ValidateOne(defaults, "UpstreamConfig.Defaults");
        }
    }

    private static UpstreamConfig NormalizeOne(UpstreamConfig upstream) => upstream with
    {
        Protocol = upstream.Protocol?.ToLowerInvariant(),
        ConnectTimeoutMs = Math.Max(0, upstream.ConnectTimeoutMs),
        MeshGateway = upstream.MeshGateway ?? new(),
    };

    private static void ValidateOne(UpstreamConfig upstream, string field)
    {
        ProxySettingsValidation.Protocol(upstream.Protocol, $"{field}.Protocol");
        ProxySettingsValidation.MeshGateway(upstream.MeshGateway, $"{field}.MeshGateway");
        ProxySettingsValidation.ConnectionBalance(upstream.BalanceOutboundConnections, $"{field}.BalanceOutboundConnections");
        if (upstream.Limits is { } limits)
        {
            if (limits.MaxConnections < 0)
            {
                throw ProxySettingsValidation.Fail($"{field}.Limits.MaxConnections cannot be negative");
            }

            if (limits.MaxPendingRequests < 0)
            {
                throw ProxySettingsValidation.Fail($"{field}.Limits.MaxPendingRequests cannot be negative");
            }

            if (limits.MaxConcurrentRequests < 0)
            {
                throw ProxySettingsValidation.Fail($"{field}.Limits.MaxConcurrentRequests cannot be negative");
            }
        }
    }
}
