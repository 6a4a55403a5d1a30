using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mesh.Agent.Cli;

/// <summary>A gateway address flag's value: <c>ip:port</c> (host may be empty when only the port is known).</summary>
internal sealed record GatewayAddress(string Host, int PortNumber)
{
    public JsonObject ToJson() => new() { ["Address"] = Host, ["Port"] = PortNumber };
}

/// <summary>
/// The gateway side of <c>mesh connect envoy</c> (Consul's <c>-gateway</c>, <c>-register</c>, <c>-service</c>,
/// <c>-address</c>, <c>-wan-address</c>): which gateway Envoy runs as, and with <c>-register</c> its catalog
/// registration through the agent API (Consul's kind, the LAN address and port, tagged <c>lan</c>/<c>wan</c>
/// addresses, and a TCP check "&lt;kind&gt; listening" every 10s), made with the command's token, so ACLs need
/// service:write on the gateway's name.
/// </summary>
internal sealed record ConnectEnvoyGateway(string ServiceKind, string ServiceName, string Id, bool Register, GatewayAddress Lan, GatewayAddress? Wan)
{
    /// <summary>Consul's default LAN port for a registered gateway.</summary>
    public const int DefaultPort = 8443;

    private static readonly Dictionary<string, string> Kinds = new(StringComparer.Ordinal)
    {
        ["mesh"] = "mesh-gateway",
        ["terminating"] = "terminating-gateway",
        ["ingress"] = "ingress-gateway",
        ["api"] = "api-gateway",
    };

    public static FlagSet AddFlags(FlagSet flags) => flags
        .AddString("gateway", null, "The kind of gateway Envoy runs as: mesh, terminating, ingress or api")
        .AddBool("register", "Register the gateway service (-gateway) before configuring Envoy")
        .AddString("service", null, "Service name of the gateway (default: the kind, e.g. mesh-gateway)")
        .AddString("address", null, "LAN address (ip:port) to register for the gateway (default port 8443)")
        .AddString("wan-address", null, "WAN address (ip:port, or ip to use the LAN port) to register for the gateway");

    /// <summary>The gateway the flags name, or null for a sidecar; throws <see cref="UsageException"/> for a bad combination.</summary>
    public static ConnectEnvoyGateway? FromFlags(FlagSet flags, string proxyId, string sidecarFor)
    {
        var gateway = flags.GetString("gateway") ?? string.Empty;
        var register = flags.GetBool("register");
        var service = flags.GetString("service");
        var address = flags.GetString("address");
        var wanAddress = flags.GetString("wan-address");
        if (gateway.Length == 0)
        {
            if (register)
            {
                throw new UsageException("Auto-Registration can only be used for gateways: give -gateway=mesh|terminating|ingress|api");
            }

            if (service is not null || address is not null || wanAddress is not null)
            {
                throw new UsageException("-service, -address and -wan-address are only used with -gateway");
            }

            return null;
        }

        if (!Kinds.TryGetValue(gateway, out var kind))
        {
            throw new UsageException($"-gateway \"{gateway}\" is not a gateway kind: use mesh, terminating, ingress or api");
        }

        if (sidecarFor.Length > 0)
        {
            throw new UsageException("-sidecar-for cannot be used with -gateway (a gateway is not a sidecar)");
        }

        if (!register && (address is not null || wanAddress is not null))
        {
            throw new UsageException("-address and -wan-address are only used with -register");
        }

        if (service is { Length: 0 })
        {
            throw new UsageException("-service must not be empty");
        }

        var name = service ?? kind;
        var lan = address is null ? new GatewayAddress(string.Empty, DefaultPort) : Parse(address, "-address", defaultPort: null);
        var wan = wanAddress is null ? null : Parse(wanAddress, "-wan-address", defaultPort: lan.PortNumber);
        return new ConnectEnvoyGateway(kind, name, proxyId.Length > 0 ? proxyId : name, register, lan, wan);
    }

    /// <summary>The agent registration Consul's command sends.</summary>
    public JsonObject Registration()
    {
        var tagged = new JsonObject();
        if (Lan.Host.Length > 0)
        {
            tagged["lan"] = Lan.ToJson();
        }

        if (Wan is not null)
        {
            tagged["wan"] = Wan.ToJson();
        }

        var checkHost = Lan.Host.Length > 0 ? Lan.Host : "127.0.0.1";
        return new JsonObject
        {
            ["Kind"] = ServiceKind,
            ["ID"] = Id,
            ["Name"] = ServiceName,
            ["Address"] = Lan.Host,
            ["Port"] = Lan.PortNumber,
            ["TaggedAddresses"] = tagged,
            ["Check"] = new JsonObject
            {
                ["Name"] = $"{ServiceKind} listening",
                ["TCP"] = checkHost.Contains(':', StringComparison.Ordinal) ? $"[{checkHost}]:{Lan.PortNumber}" : $"{checkHost}:{Lan.PortNumber}",
                ["Interval"] = "10s",
            },
        };
    }

    public async Task RegisterAsync(HttpApiClient client, CancellationToken cancellationToken)
    {
        try
        {
            await client.PutAsync("/v1/agent/service/register", Registration().ToJsonString(), cancellationToken).ConfigureAwait(false);
        }
        catch (CliException error)
        {
            throw new CliException($"Error registering service \"{ServiceName}\": {error.Message}");
        }
    }

    /// <summary>The registered gateway (by ID): its kind must match <c>-gateway</c>; returns the gateway as registered.</summary>
    public async Task<ConnectEnvoyGateway> ReadRegisteredAsync(HttpApiClient client, CancellationToken cancellationToken)
    {
        using var response = await client.SendUncheckedAsync(new HttpRequestMessage(HttpMethod.Get, $"/v1/agent/service/{Uri.EscapeDataString(Id)}"), cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            throw new CliException($"No {ServiceKind} with ID \"{Id}\" is registered on the agent: register it first, or add -register");
        }

        if (!response.IsSuccessStatusCode)
        {
            throw new CliException($"Unexpected response code: {(int)response.StatusCode} ({body.Trim()})");
        }

        using var document = JsonDocument.Parse(body);
        var service = document.RootElement;
        var kind = service.TryGetProperty("Kind", out var k) && k.ValueKind == JsonValueKind.String ? k.GetString() : null;
        if (kind != ServiceKind)
        {
            throw new CliException($"Service \"{Id}\" is a {(string.IsNullOrEmpty(kind) ? "typical service" : kind)}, not a {ServiceKind}");
        }

        var port = service.TryGetProperty("Port", out var p) && p.TryGetInt32(out var value) ? value : DefaultPort;
        var host = service.TryGetProperty("Address", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString()! : string.Empty;
        return this with { ServiceName = service.GetProperty("Service").GetString()!, Lan = new GatewayAddress(host, port) };
    }

    /// <summary>An ingress gateway gets Consul's ready listener on its registered address.</summary>
    public (string? Host, int Port) ReadyListener()
        => ServiceKind == "ingress-gateway" ? (Lan.Host is "" or "localhost" ? "127.0.0.1" : Lan.Host, Lan.PortNumber) : (null, 0);

    private static GatewayAddress Parse(string value, string flag, int? defaultPort)
    {
        var colon = value.LastIndexOf(':');
        var bracketed = value.StartsWith('[');
        var hasPort = colon > 0 && (!bracketed || value[colon - 1] == ']') && (bracketed || value.IndexOf(':', StringComparison.Ordinal) == colon);
        if (!hasPort)
        {
            return defaultPort is { } port && value.Length > 0 && !value.Contains(' ', StringComparison.Ordinal)
                ? new GatewayAddress(value.Trim('[', ']'), port)
                : throw new UsageException($"{flag} \"{value}\" must be ip:port");
        }

        if (!int.TryParse(value.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) || parsed is < 1 or > 65535)
        {
            throw new UsageException($"{flag} \"{value}\": the port must be a number from 1 to 65535");
        }

        return new GatewayAddress(value[..colon].Trim('[', ']'), parsed);
    }
}
