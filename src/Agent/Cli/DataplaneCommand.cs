using System.Runtime.InteropServices;
using Mesh.Agent.Dataplane;

namespace Mesh.Agent.Cli;

/// <summary>
/// <c>mesh dataplane</c>: Mesh's counterpart of <c>consul-dataplane</c> (same flags) for an Envoy without a local
/// agent. The work is in <see cref="DataplaneRunner"/>; this command parses flags and runs it until SIGINT/SIGTERM.
/// </summary>
public sealed class DataplaneCommand : ICliCommand
{
    public string Name => "dataplane";

    public string Synopsis => "Runs an agentless dataplane for one Envoy (consul-dataplane's flags)";

    public async Task<int> RunAsync(IReadOnlyList<string> args, CliConsole console, CancellationToken cancellationToken)
    {
        var flags = new FlagSet(Name)
            .AddString("addresses", Environment.GetEnvironmentVariable("DP_CONSUL_ADDRESSES"), "Servers to dial: hosts or IPs (comma separated; host:port also accepted), or exec=<command> printing them (env DP_CONSUL_ADDRESSES)")
            .AddInt("grpc-port", 8502, "The servers' gRPC port")
            .AddString("proxy-id", Environment.GetEnvironmentVariable("DP_PROXY_ID"), "ID of the proxy service registered in the catalog (env DP_PROXY_ID)")
            .AddString("proxy-service-id", null, "Deprecated name of -proxy-id")
            .AddString("proxy-node-name", Environment.GetEnvironmentVariable("DP_PROXY_NODE_NAME"), "Catalog node of the proxy (env DP_PROXY_NODE_NAME)")
            .AddString("proxy-node-id", Environment.GetEnvironmentVariable("DP_PROXY_NODE_ID"), "Catalog node ID of the proxy, instead of -proxy-node-name (env DP_PROXY_NODE_ID)")
            .AddString("credential-type", "static", "Only \"static\": Mesh has no auth methods to log in with yet")
            .AddString("static-token", Environment.GetEnvironmentVariable("DP_CREDENTIAL_STATIC_TOKEN"), "ACL token for every server call and the relayed xDS stream (env DP_CREDENTIAL_STATIC_TOKEN)")
            .AddString("ca-certs", Environment.GetEnvironmentVariable("DP_CA_CERTS"), "PEM file of the CAs the servers' certificates chain to (env DP_CA_CERTS)")
            .AddString("tls-server-name", Environment.GetEnvironmentVariable("DP_TLS_SERVER_NAME"), "Name the servers' certificates must carry (default: the dialled host)")
            .AddBool("tls-disabled", "Dial the servers' plaintext gRPC port")
            .AddInt("envoy-admin-bind-port", 19000, "Envoy's admin port on 127.0.0.1")
            .AddString("xds-bind-addr", "127.0.0.1", "Address of the local xDS listener Envoy dials")
            .AddInt("xds-bind-port", 0, "Port of the local xDS listener (0: a free port)")
            .AddBool("bootstrap-only", "Print Envoy's bootstrap and exit")
            .AddString("log-level", "info", "trace, debug, info, warn or err");
        CliArgs.NoPositional(flags.Parse(args));
        var options = Options(flags);
        if (AgentCommand.LevelOf(flags.GetString("log-level")!) is null)
        {
            throw new UsageException($"-log-level \"{flags.GetString("log-level")}\" is not one of trace, debug, info, warn, err");
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => { context.Cancel = true; stop.Cancel(); });
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => { context.Cancel = true; stop.Cancel(); });
        using var loggerFactory = AgentCommand.CreateLoggerFactory(flags.GetString("log-level")!);
        try
        {
            return await new DataplaneRunner(options, loggerFactory).RunAsync(console.Out, stop.Token).ConfigureAwait(false);
        }
        catch (DataplaneException error)
        {
            throw new CliException(error.Message);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return 0;
        }
    }

    private static DataplaneOptions Options(FlagSet flags)
    {
        var addresses = flags.GetString("addresses");
        if (string.IsNullOrWhiteSpace(addresses))
        {
            throw new UsageException("-addresses is required");
        }

        var proxyId = flags.GetString("proxy-id") ?? flags.GetString("proxy-service-id");
        if (string.IsNullOrEmpty(proxyId))
        {
            throw new UsageException("-proxy-id is required");
        }

        var nodeName = flags.GetString("proxy-node-name") ?? string.Empty;
        var nodeId = flags.GetString("proxy-node-id") ?? string.Empty;
        if (nodeName.Length == 0 && nodeId.Length == 0)
        {
            throw new UsageException("-proxy-node-name or -proxy-node-id is required");
        }

        if (flags.GetString("credential-type") != "static")
        {
            throw new UsageException($"-credential-type \"{flags.GetString("credential-type")}\" is not supported: Mesh has no auth methods yet, use -static-token");
        }

        foreach (var port in new[] { "grpc-port", "envoy-admin-bind-port" })
        {
            if (flags.GetInt(port) is < 1 or > 65535)
            {
                throw new UsageException($"-{port} {flags.GetInt(port)} is not a port");
            }
        }

        if (flags.GetInt("xds-bind-port") is < 0 or > 65535)
        {
            throw new UsageException($"-xds-bind-port {flags.GetInt("xds-bind-port")} is not a port");
        }

        return new DataplaneOptions
        {
            Addresses = addresses,
            GrpcPort = flags.GetInt("grpc-port"),
            ProxyId = proxyId,
            NodeName = nodeName,
            NodeId = nodeId,
            Token = flags.GetString("static-token") ?? string.Empty,
            TlsDisabled = flags.GetBool("tls-disabled"),
            CaCertsFile = flags.GetString("ca-certs") ?? string.Empty,
            TlsServerName = flags.GetString("tls-server-name") ?? string.Empty,
            EnvoyAdminBindPort = flags.GetInt("envoy-admin-bind-port"),
            XdsBindAddress = flags.GetString("xds-bind-addr")!,
            XdsBindPort = flags.GetInt("xds-bind-port"),
            BootstrapOnly = flags.GetBool("bootstrap-only"),
        };
    }
}
