using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Mesh.Agent.Connect;

namespace Mesh.Agent.Cli;

/// <summary>
/// <c>mesh connect envoy</c>: builds the Envoy bootstrap for a registered sidecar proxy or gateway (with
/// <c>-gateway</c>, optionally registering it first with <c>-register</c>) and either prints it (<c>-bootstrap</c>) or
/// runs <c>envoy</c> from PATH with it.
/// </summary>
public sealed class ConnectEnvoyCommand : ICliCommand
{
    public string Name => "connect envoy";

    public string Synopsis => "Runs or configures Envoy as a Connect proxy";

    public async Task<int> RunAsync(IReadOnlyList<string> args, CliConsole console, CancellationToken cancellationToken)
    {
        var flags = new FlagSet(Name)
            .AddBool("bootstrap", "Print the bootstrap JSON instead of running Envoy")
            .AddString("proxy-id", null, "ID of the proxy service registered on the agent")
            .AddString("sidecar-for", null, "ID of the service whose sidecar proxy to run (instead of -proxy-id)")
            .AddString("grpc-addr", null, "Address of the xDS gRPC server, http:// or https:// (env MESH_GRPC_ADDR or CONSUL_GRPC_ADDR; default: the agent's gRPC TLS port, else its gRPC port)")
            .AddString("grpc-ca-file", null, "Path to a CA file Envoy trusts for the xDS server (env MESH_GRPC_CACERT or CONSUL_GRPC_CACERT; default: -ca-file)")
            .AddString("grpc-ca-path", null, "Path to a directory of CA certificates Envoy trusts for the xDS server (env MESH_GRPC_CAPATH or CONSUL_GRPC_CAPATH; default: -ca-path)")
            .AddString("admin-bind", "localhost:19000", "Address of Envoy's admin listener")
            .AddString("admin-access-log-path", "/dev/null", "Path of Envoy's admin access log");
        ConnectEnvoyGateway.AddFlags(flags);
        HttpApiClient.AddFlags(flags);
        CliArgs.NoPositional(flags.Parse(args));
        var proxyId = flags.GetString("proxy-id") ?? string.Empty;
        var sidecarFor = flags.GetString("sidecar-for") ?? string.Empty;
        var gateway = ConnectEnvoyGateway.FromFlags(flags, proxyId, sidecarFor);
        if (gateway is null && proxyId.Length > 0 == sidecarFor.Length > 0)
        {
            throw new UsageException("Give exactly one of -proxy-id or -sidecar-for (or -gateway for a gateway)");
        }

        using var client = HttpApiClient.FromFlags(flags);
        if (gateway is { Register: true })
        {
            await gateway.RegisterAsync(client, cancellationToken).ConfigureAwait(false);
            if (!flags.GetBool("bootstrap"))
            {
                await console.Out.WriteLineAsync($"Registered service: {gateway.ServiceName}").ConfigureAwait(false);
            }
        }
        else if (gateway is not null)
        {
            gateway = await gateway.ReadRegisteredAsync(client, cancellationToken).ConfigureAwait(false);
        }

        using var self = await ReadSelfAsync(client, console, cancellationToken).ConfigureAwait(false);
        var proxy = gateway is not null
            ? new ProxyService(gateway.Id, gateway.ServiceName, null)
            : sidecarFor.Length > 0
                ? await FindSidecarAsync(client, sidecarFor, cancellationToken).ConfigureAwait(false)
                : await ReadServiceAsync(client, proxyId, cancellationToken).ConfigureAwait(false);
        var ready = gateway?.ReadyListener() ?? (null, 0);
        var grpcCaFile = flags.GetString("grpc-ca-file") ?? ClientEnvironment.Get("GRPC_CACERT");
        var grpcCaPath = flags.GetString("grpc-ca-path") ?? ClientEnvironment.Get("GRPC_CAPATH");
        var grpc = GrpcAddress(flags.GetString("grpc-addr"), !string.IsNullOrEmpty(grpcCaFile) || !string.IsNullOrEmpty(grpcCaPath), client.BaseAddress, self.RootElement);
        var caPem = grpc.Tls
            ? GrpcCaBundle.Read(
                string.IsNullOrEmpty(grpcCaFile) && string.IsNullOrEmpty(grpcCaPath) ? client.Tls.CaFile : grpcCaFile,
                string.IsNullOrEmpty(grpcCaFile) && string.IsNullOrEmpty(grpcCaPath) ? client.Tls.CaPath : grpcCaPath)
            : string.Empty;
        var (adminHost, adminPort) = HostPort(flags.GetString("admin-bind")!, "-admin-bind");
        var bootstrap = new EnvoyBootstrapArgs
        {
            ProxyId = proxy.Id,
            Cluster = proxy.Cluster,
            Datacenter = proxy.Datacenter ?? DatacenterOf(self.RootElement) ?? "dc1",
            Token = client.Token ?? string.Empty,
            GrpcHost = grpc.Host,
            GrpcPort = grpc.Port,
            GrpcTls = grpc.Tls,
            GrpcCaPem = caPem,
            AdminHost = adminHost == "localhost" ? "127.0.0.1" : adminHost,
            AdminPort = adminPort,
            AdminAccessLogPath = flags.GetString("admin-access-log-path")!,
            ReadyHost = ready.Host,
            ReadyPort = ready.Port,
        };
        var json = EnvoyBootstrap.Render(bootstrap);
        if (flags.GetBool("bootstrap"))
        {
            await console.Out.WriteLineAsync(json).ConfigureAwait(false);
            return 0;
        }

        return await RunEnvoyAsync(json, console, cancellationToken).ConfigureAwait(false);
    }

    private sealed record ProxyService(string Id, string Cluster, string? Datacenter);

    /// <summary>
    /// The agent's self description (gRPC ports, datacenter). As Consul's command does, a token without
    /// <c>agent:read</c> (a sidecar's service token) is not an error: the defaults are used and a warning is printed.
    /// </summary>
    private static async Task<JsonDocument> ReadSelfAsync(HttpApiClient client, CliConsole console, CancellationToken cancellationToken)
    {
        using var response = await client.SendUncheckedAsync(new HttpRequestMessage(HttpMethod.Get, "/v1/agent/self"), cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == System.Net.HttpStatusCode.Forbidden && body.StartsWith("Permission denied", StringComparison.Ordinal))
        {
            await console.Error.WriteLineAsync("Warning: the token lacks agent:read, so the agent's gRPC ports are unknown; using the defaults (give -grpc-addr to choose)").ConfigureAwait(false);
            return JsonDocument.Parse("{}");
        }

        return response.IsSuccessStatusCode
            ? JsonDocument.Parse(body)
            : throw new CliException($"Unexpected response code: {(int)response.StatusCode} ({body.Trim()})");
    }

    private static string? DatacenterOf(JsonElement self)
        => self.TryGetProperty("Config", out var config) && config.ValueKind == JsonValueKind.Object
            && config.TryGetProperty("Datacenter", out var dc) && dc.ValueKind == JsonValueKind.String ? dc.GetString() : null;

    private static async Task<ProxyService> ReadServiceAsync(HttpApiClient client, string id, CancellationToken cancellationToken)
    {
        using var document = JsonDocument.Parse(await client.GetAsync($"/v1/agent/service/{Uri.EscapeDataString(id)}", cancellationToken).ConfigureAwait(false));
        return ToProxy(document.RootElement);
    }

    private static async Task<ProxyService> FindSidecarAsync(HttpApiClient client, string serviceId, CancellationToken cancellationToken)
    {
        using var document = JsonDocument.Parse(await client.GetAsync("/v1/agent/services", cancellationToken).ConfigureAwait(false));
        var sidecars = document.RootElement.EnumerateObject()
            .Select(p => p.Value)
            .Where(s => s.GetProperty("Kind").GetString() == "connect-proxy"
                        && s.GetProperty("Proxy").GetProperty("DestinationServiceID").GetString() == serviceId)
            .ToList();
        return sidecars.Count switch
        {
            1 => ToProxy(sidecars[0]),
            0 => throw new CliException($"No sidecar proxy is registered for service ID \"{serviceId}\""),
            _ => throw new CliException($"Several sidecar proxies are registered for service ID \"{serviceId}\"; use -proxy-id"),
        };
    }

    private static ProxyService ToProxy(JsonElement service)
    {
        var id = service.GetProperty("ID").GetString()!;
        var destination = service.GetProperty("Proxy").GetProperty("DestinationServiceName").GetString();
        var datacenter = service.TryGetProperty("Datacenter", out var dc) && dc.ValueKind == JsonValueKind.String && dc.GetString() is { Length: > 0 } name ? name : null;
        return new ProxyService(id, string.IsNullOrEmpty(destination) ? service.GetProperty("Service").GetString()! : destination, datacenter);
    }

    private sealed record XdsAddress(string Host, int Port, bool Tls);

    /// <summary>
    /// Consul's <c>xdsAddress</c>: <c>-grpc-addr</c> or the environment when given (<c>https://</c> is TLS, <c>http://</c>
    /// plaintext, a bare <c>host:port</c> is TLS only when a gRPC CA is given); otherwise the agent's
    /// <c>XDS.Ports.TLS</c>, then <c>XDS.Ports.Plaintext</c>, then the older <c>XDS.Port</c>, then 8502, on the HTTP
    /// API's host.
    /// </summary>
    private static XdsAddress GrpcAddress(string? flag, bool grpcCaGiven, Uri httpAddress, JsonElement self)
    {
        var address = flag ?? ClientEnvironment.Get("GRPC_ADDR");
        if (!string.IsNullOrEmpty(address))
        {
            var tls = grpcCaGiven;
            if (address.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
            {
                (address, tls) = (address["https://".Length..], true);
            }
            else if (address.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
            {
                (address, tls) = (address["http://".Length..], false);
            }
            else if (address.Contains("://", StringComparison.Ordinal))
            {
                throw new UsageException($"-grpc-addr \"{address}\": Unknown protocol scheme (use http:// or https://)");
            }

            var (host, port) = HostPort(address.TrimEnd('/'), "-grpc-addr");
            return new XdsAddress(host is "localhost" ? "127.0.0.1" : host, port, tls);
        }

        var agentHost = httpAddress.Host is "localhost" ? "127.0.0.1" : httpAddress.Host.Trim('[', ']');
        if (self.TryGetProperty("XDS", out var xds) && xds.ValueKind == JsonValueKind.Object)
        {
            if (xds.TryGetProperty("Ports", out var ports) && ports.ValueKind == JsonValueKind.Object)
            {
                if (PortOf(ports, "TLS") is > 0 and var tlsPort)
                {
                    return new XdsAddress(agentHost, tlsPort, true);
                }

                if (PortOf(ports, "Plaintext") is > 0 and var plainPort)
                {
                    return new XdsAddress(agentHost, plainPort, false);
                }
            }

            if (PortOf(xds, "Port") is > 0 and var port)
            {
                return new XdsAddress(agentHost, port, false);
            }
        }

        return new XdsAddress(agentHost, 8502, false);
    }

    private static int PortOf(JsonElement parent, string name)
        => parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var port) ? port : -1;

    private static (string Host, int Port) HostPort(string address, string flag)
    {
        var colon = address.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(address.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            throw new UsageException($"{flag} \"{address}\" must be host:port");
        }

        return (address[..colon].Trim('[', ']'), port);
    }

    private static async Task<int> RunEnvoyAsync(string json, CliConsole console, CancellationToken cancellationToken)
    {
        var envoy = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "envoy"))
            .FirstOrDefault(File.Exists)
            ?? throw new CliException("Envoy was not found on PATH. Install Envoy, or print the configuration with -bootstrap.");
        var path = Path.Combine(Path.GetTempPath(), $"mesh-envoy-{Environment.ProcessId}.json");
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite; // it holds the ACL token
        }

        await using (var file = new FileStream(path, options))
        await using (var writer = new StreamWriter(file))
        {
            await writer.WriteAsync(json).ConfigureAwait(false);
        }

        using var process = Process.Start(new ProcessStartInfo(envoy) { ArgumentList = { "--config-path", path, "--disable-hot-restart" } })
            ?? throw new CliException("Envoy could not be started");
        await console.Out.WriteLineAsync($"==> Running {envoy} with {path}").ConfigureAwait(false);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        return process.ExitCode;
    }
}
