using System.Runtime.InteropServices;
using Mesh.Connect;
using Mesh.ConnectProxy;

namespace Mesh.Agent.Cli;

/// <summary>
/// <c>mesh connect proxy</c>: the built-in L4 Connect proxy (Consul's flags). The proxy lives in
/// <c>src/ConnectProxy</c>; this command only parses flags and runs it until SIGINT/SIGTERM.
/// </summary>
public sealed class ConnectProxyCommand : ICliCommand
{
    public string Name => "connect proxy";

    public string Synopsis => "Runs the built-in Connect mTLS proxy";

    public async Task<int> RunAsync(IReadOnlyList<string> args, CliConsole console, CancellationToken cancellationToken)
    {
        var flags = new FlagSet(Name)
            .AddString("proxy-id", Environment.GetEnvironmentVariable("CONNECT_PROXY_ID"), "ID of a connect-proxy registered on the agent (env CONNECT_PROXY_ID)")
            .AddString("sidecar-for", Environment.GetEnvironmentVariable("CONNECT_SIDECAR_FOR"), "ID of the service whose single sidecar proxy to run (env CONNECT_SIDECAR_FOR)")
            .AddString("service", null, "Dev mode: name of the service this proxy represents (its Connect identity)")
            .AddString("service-addr", null, "Dev mode: host:port of the local application (required with -listen)")
            .AddString("listen", null, "Dev mode: host:port of the public mTLS listener")
            .AddList("upstream", "Dev mode: name:port, a local listener on 127.0.0.1:port for upstream service name (repeatable)")
            .AddBool("register", "Dev mode: register the proxy (with -service and -listen) and deregister it on exit")
            .AddString("register-id", null, "Suffix of the registered proxy's ID")
            .AddString("prometheus-bind-addr", null, "host:port of the Prometheus metrics endpoint (or Proxy.Config envoy_prometheus_bind_addr)")
            .AddString("log-level", "info", "trace, debug, info, warn or err")
            .AddBool("log-json", "Accepted for compatibility; logs are single-line text");
        HttpApiClient.AddFlags(flags);
        CliArgs.NoPositional(flags.Parse(args));
        if (AgentCommand.LevelOf(flags.GetString("log-level")!) is null)
        {
            throw new UsageException($"-log-level \"{flags.GetString("log-level")}\" is not one of trace, debug, info, warn, err");
        }

        ConnectApiOptions api;
        try
        {
            api = ConnectApiOptions.FromEnvironment(flags.GetString("http-addr"), ClientToken.FromFlags(flags));
            var tls = ClientTlsSettings.FromFlags(flags);
            if (api.Address.Scheme == Uri.UriSchemeHttps)
            {
                // The CLI's TLS settings (-ca-file, -client-cert, env) for the API calls, as HttpApiClient applies them.
                var dialled = api.Address.IdnHost.Trim('[', ']');
                var verifier = new ServerCertificateVerifier(tls);
                var withClientCertificate = !string.IsNullOrEmpty(tls.ClientCert) && !string.IsNullOrEmpty(tls.ClientKey);
                if (withClientCertificate)
                {
                    // Load once here so a bad file is a CLI error now, not a failure inside the proxy later.
                    using var probe = ServerCertificateVerifier.LoadClientCertificate(tls.ClientCert!, tls.ClientKey!);
                }

                api = api with
                {
                    HandlerFactory = () =>
                    {
                        var handler = new SocketsHttpHandler();
                        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, chain, errors) => verifier.Verify(dialled, certificate, chain, errors);
                        if (withClientCertificate)
                        {
                            handler.SslOptions.ClientCertificates = [ServerCertificateVerifier.LoadClientCertificate(tls.ClientCert!, tls.ClientKey!)];
                        }

                        return handler;
                    },
                };
            }
        }
        catch (ArgumentException error)
        {
            throw new UsageException(error.Message);
        }

        var options = new ProxyCommandOptions
        {
            Api = api,
            ProxyId = flags.GetString("proxy-id"),
            SidecarFor = flags.GetString("sidecar-for"),
            Service = flags.GetString("service"),
            ServiceAddress = flags.GetString("service-addr"),
            Listen = flags.GetString("listen"),
            Upstreams = flags.GetStrings("upstream"),
            Register = flags.GetBool("register"),
            RegisterId = flags.GetString("register-id"),
            PrometheusBindAddress = flags.GetString("prometheus-bind-addr"),
        };
        if (options.Validate() is { } usage)
        {
            throw new UsageException(usage);
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => { context.Cancel = true; stop.Cancel(); });
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => { context.Cancel = true; stop.Cancel(); });
        using var loggerFactory = AgentCommand.CreateLoggerFactory(flags.GetString("log-level")!);
        try
        {
            await options.RunAsync(loggerFactory, started: null, stop.Token).ConfigureAwait(false);
        }
        catch (ProxyConfigException error)
        {
            throw new CliException(error.Message);
        }
        catch (ConnectApiException error)
        {
            throw new CliException(error.Message);
        }

        return 0;
    }
}
