using System.Net;
using Mesh.Api.Hosting;
using Mesh.Fsm;
using Mesh.Raft;
using Mesh.Server;
using Mesh.Server.Cluster;
using Mesh.Server.Hosting;
using Mesh.XdsServer.Hosting;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mesh.Agent.Hosting;

/// <summary>
/// One Mesh server process: the server core (Raft with its log on disk, the FSM and store, TTL expiry, the CA, this
/// server's own catalog node), the HTTP API and the xDS server, composed in one service provider per server
/// (<c>AddMeshServer</c>, <c>AddMeshApi</c>, <c>AddXdsServer</c>) with every background loop a hosted service.
/// Tests start several in-process on loopback; <c>mesh agent</c> runs one until a signal.
/// </summary>
public sealed partial class MeshServer : IAsyncDisposable
{
    private readonly ServerHost _host;
    private readonly ILogger _logger;
    private readonly string? _devDataDir;

    private static readonly List<System.Net.Security.SslApplicationProtocol> HttpsProtocols =
        [System.Net.Security.SslApplicationProtocol.Http2, System.Net.Security.SslApplicationProtocol.Http11];

    private static readonly List<System.Net.Security.SslApplicationProtocol> Http2Only = [System.Net.Security.SslApplicationProtocol.Http2];

    private MeshServer(AgentConfig config, ServerHost host, Mesh.Agent.Tls.AgentTls tls, ILoggerFactory loggerFactory, string? devDataDir)
    {
        Config = config;
        Tls = tls;
        _host = host;
        LoggerFactory = loggerFactory;
        _devDataDir = devDataDir;
        _logger = loggerFactory.CreateLogger<MeshServer>();
        Runtime = host.Services.GetRequiredService<ServerRuntime>();
    }

    public AgentConfig Config { get; }

    /// <summary>TLS settings and certificate sources of every interface.</summary>
    public Mesh.Agent.Tls.AgentTls Tls { get; }

    /// <summary>SIGHUP: reads TLS certificates, keys and CAs again; a bad file keeps the previous one (logged).</summary>
    public void ReloadTls() => Tls.Reload();

    public ServerRuntime Runtime { get; }

    public ILoggerFactory LoggerFactory { get; }

    /// <summary>This server's own service provider (one per server, so servers in one process share nothing).</summary>
    public IServiceProvider Services => _host.Services;

    public StateMachine Fsm => Runtime.Fsm;

    public RaftServer Raft => Runtime.Raft;

    /// <summary>The xDS server's shared state (streams, metrics, proxycfg); null when the gRPC port is disabled (-1).</summary>
    public Mesh.XdsServer.XdsServerContext? Xds => _host.Services.GetService<XdsGrpcHost>()?.Context;

    /// <summary>The HTTP API's base address (with the real port when 0 was asked for).</summary>
    public Uri HttpAddress => _host.Services.GetRequiredService<MeshApiHost>().Address;

    /// <summary>The HTTPS API's base address; null when <c>ports.https</c> is off.</summary>
    public Uri? HttpsAddress => _host.Services.GetRequiredService<MeshApiHost>().HttpsAddress;

    public static async Task<MeshServer> StartAsync(AgentConfig config, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        var dataDir = config.Dev
            ? Path.Combine(Path.GetTempPath(), "mesh-dev-" + Guid.NewGuid().ToString("N"))
            : config.DataDir ?? throw new ArgumentException("data_dir is required for a server outside -dev mode", nameof(config));
        Directory.CreateDirectory(dataDir);

        var serverEndPoint = new IPEndPoint(IPAddress.Parse(config.BindAddress), config.ServerPort);
        var bootstrapAlone = config.Bootstrap || config.BootstrapExpect == 1 || config.Dev;
        var tls = Mesh.Agent.Tls.AgentTls.Create(config, TimeProvider.System, loggerFactory);
        var services = new ServiceCollection();
        services.AddSingleton(loggerFactory);
        services.AddMeshServer(new MeshServerOptions
        {
            Raft = new RaftServerOptions
            {
                DataDirectory = Path.Combine(dataDir, "raft"),
                Ephemeral = false,
                EndPoint = serverEndPoint,
                Bootstrap = bootstrapAlone,
                SnapshotThreshold = config.SnapshotThreshold,
                Tls = tls.ServerPort,
            },
            Identity = new AgentIdentity
            {
                NodeName = config.NodeName,
                NodeId = config.NodeId ?? NodeIdentity.LoadOrCreate(dataDir),
                Datacenter = config.Datacenter,
                AdvertiseAddress = config.BindAddress,
                ServerEndPoint = serverEndPoint,
                HttpPort = config.HttpPort,
                GrpcPort = config.GrpcPort,
                GrpcTlsPort = config.GrpcTlsPort > 0 ? config.GrpcTlsPort : -1,
                DevMode = config.Dev,
                DefaultIntentionPolicy = config.DefaultIntentionPolicy,
            },
            Cluster = new ClusterOptions
            {
                BootstrapAlone = bootstrapAlone,
                BootstrapExpect = config.BootstrapExpect,
                RetryJoin = config.RetryJoin,
                RetryInterval = config.RetryInterval,
            },
            ExplicitBootstrap = config.Bootstrap || config.Dev,
            Autopilot = config.Autopilot,
            CaConfig = Mesh.Ca.Config.CaConfigParser.ParseAgentConfig(config.ConnectCaProvider, config.ConnectCaConfig),
            Acl = config.Acl,
            AclTokenPersistencePath = Path.Combine(dataDir, Mesh.Server.Access.AgentTokenStore.FileName),
        });
        services.AddMeshApi(new MeshApiOptions
        {
            Addresses = config.ClientAddresses,
            Port = config.HttpPort,
            HttpsPort = config.HttpsPort,
            ConfigureHttps = tls.Https is { } https ? listen => listen.UseHttps(TlsListener.Options(https, HttpsProtocols)) : null,
        });
        if (config.GrpcPort >= 0 || tls.Grpc is not null) // Consul's ports.grpc = -1 and no ports.grpc_tls: disabled
        {
            services.AddXdsServer(new XdsHostOptions
            {
                Addresses = config.ClientAddresses,
                Port = config.GrpcPort,
                TlsPort = config.GrpcTlsPort,
                ConfigureTls = tls.Grpc is { } grpc ? listen => listen.UseHttps(TlsListener.Options(grpc, Http2Only)) : null,
                CoalesceDelay = config.XdsCoalesceDelay,
                UpdateMaxPerSecond = config.XdsUpdateMaxPerSecond,
                MaxStreams = config.XdsMaxStreams,
            });
        }

        services.AddHostedService<Checks.CheckRunnerService>();
        var host = new ServerHost(services);
        var server = new MeshServer(config, host, tls, loggerFactory, config.Dev ? dataDir : null);
        try
        {
            await host.StartAsync(cancellationToken).ConfigureAwait(false);
            Log.Started(server._logger, server.Runtime.Self.NodeName, server.Runtime.Self.Datacenter, server.HttpAddress, serverEndPoint);
            return server;
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Waits until the server's own node is in the catalog and the Connect CA exists: the server is then fully usable.</summary>
    public async Task WaitUntilReadyAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        using var changes = Fsm.Changes.Subscribe(); // before the first look, so no change falls in between
        while (Fsm.Current.FindCheck(Runtime.Self.NodeName, "serfHealth") is null || Fsm.Current.Ca is null)
        {
            await changes.ReadAsync(cts.Token).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Hosted services stop in reverse: xDS first (proxies are told to reconnect elsewhere while this server still
        // answers), then HTTP, the loops, and finally the provider disposes Raft, the RPC client, the CA and metrics.
        await _host.DisposeAsync().ConfigureAwait(false);
        Tls.Dispose();
        if (_devDataDir is not null)
        {
            try
            {
                Directory.Delete(_devDataDir, recursive: true);
            }
            catch (IOException)
            {
            }
        }

        Log.Stopped(_logger, Runtime.Self.NodeName);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Mesh server {Node} in {Datacenter} started: HTTP {Http}, Raft {Raft}")]
        public static partial void Started(ILogger logger, string node, string datacenter, Uri http, IPEndPoint raft);

        [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "Mesh server {Node} stopped")]
        public static partial void Stopped(ILogger logger, string node);
    }
}
