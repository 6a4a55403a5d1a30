using System.Net;
using Mesh.Api;
using Mesh.Fsm;
using Mesh.Fsm.Commands;
using Mesh.Fsm.Model;
using Mesh.Raft;
using Mesh.Raft.Transport;
using Mesh.Server;
using Mesh.Server.Cluster;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mesh.Agent.Hosting;

/// <summary>
/// One Mesh server process: the Raft server with its log on disk, the FSM and store, the HTTP API, TTL expiry and this
/// server's own catalog node. Tests start it in-process on loopback; <c>mesh agent</c> runs it until a signal.
/// </summary>
public sealed partial class MeshServer : IAsyncDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _background = [];
    private readonly ILogger _logger;
    private WebApplication? _web;
    private XdsGrpcHost? _xds;
    private Mesh.ProxyCfg.ProxyConfigSource? _proxies;
    private Mesh.Server.Metrics.ServerMetrics? _metrics;

    private MeshServer(AgentConfig config, ServerRuntime runtime, Mesh.Agent.Tls.AgentTls tls, ILoggerFactory loggerFactory)
    {
        Config = config;
        Tls = tls;
        Runtime = runtime;
        LoggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<MeshServer>();
    }

    public AgentConfig Config { get; }

    /// <summary>TLS settings and certificate sources of every interface.</summary>
    public Mesh.Agent.Tls.AgentTls Tls { get; }

    public ServerRuntime Runtime { get; }

    public ILoggerFactory LoggerFactory { get; }

    public StateMachine Fsm => Runtime.Fsm;

    public RaftServer Raft => Runtime.Raft;

    /// <summary>The xDS server's shared state (streams, metrics, proxycfg); null when the gRPC port is disabled (-1).</summary>
    public Mesh.XdsServer.XdsServerContext? Xds => _xds?.Context;

    /// <summary>The HTTP API's base address (with the real port when 0 was asked for).</summary>
    public Uri HttpAddress { get; private set; } = new("http://127.0.0.1:8500");

    /// <summary>The HTTPS API's base address; null when <c>ports.https</c> is off.</summary>
    public Uri? HttpsAddress { get; private set; }

    /// <summary>SIGHUP: reads TLS certificates, keys and CAs again; a bad file keeps the previous one (logged).</summary>
    public void ReloadTls() => Tls.Reload();

    public static async Task<MeshServer> StartAsync(AgentConfig config, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        var dataDir = config.Dev
            ? Path.Combine(Path.GetTempPath(), "mesh-dev-" + Guid.NewGuid().ToString("N"))
            : config.DataDir ?? throw new ArgumentException("data_dir is required for a server outside -dev mode", nameof(config));
        Directory.CreateDirectory(dataDir);

        var bind = IPAddress.Parse(config.BindAddress);
        var serverEndPoint = new IPEndPoint(bind, config.ServerPort);
        var clock = TimeProvider.System;
        var tls = Mesh.Agent.Tls.AgentTls.Create(config, clock, loggerFactory);

        // Every server applies with the same rules, so a config-entry write refused on one is refused on all.
        var fsm = new StateMachine(new Mesh.Config.ConfigEntries.ConfigEntryValidator());
        var raft = new RaftServer(
            new RaftServerOptions
            {
                DataDirectory = Path.Combine(dataDir, "raft"),
                Ephemeral = false,
                EndPoint = serverEndPoint,
                Bootstrap = config.Bootstrap || config.BootstrapExpect == 1 || config.Dev,
                SnapshotThreshold = config.SnapshotThreshold,
                Tls = tls.ServerPort,
            },
            new FsmReplica(fsm),
            loggerFactory);

        var ttl = new TtlTracker(fsm, raft, clock, loggerFactory.CreateLogger<TtlTracker>());
        var rpc = new ServerRpc(new RpcClient(tls.ServerPort));
        var leaderRpc = new LeaderRpc(rpc);
        var commands = new CommandPipeline(raft, clock, new LeaderForwarder(leaderRpc));
        ttl.Commands = commands;
        var identity = new AgentIdentity
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
        };
        var runtime = new ServerRuntime { Fsm = fsm, Raft = raft, Commands = commands, Self = identity, Ttl = ttl, Clock = clock };
        var server = new MeshServer(config, runtime, tls, loggerFactory) { _devDataDir = config.Dev ? dataDir : null, _rpc = rpc };
        try
        {
            runtime.Ca = new Mesh.Ca.CaRuntime(new Mesh.Ca.CaHost
            {
                Fsm = fsm,
                IsLeader = () => raft.IsLeader,
                ProposeAsync = commands.ProposeAsync,
                SubmitAsync = (command, ct) => commands.SubmitAsync(command, Mesh.Server.Access.RequestToken.Anonymous, ct),
                ForwardSignAsync = new LeafSigningForwarder(raft, leaderRpc).SignAsync,
                Datacenter = config.Datacenter,
                Clock = clock,
                InitialConfig = Mesh.Ca.Config.CaConfigParser.ParseAgentConfig(config.ConnectCaProvider, config.ConnectCaConfig),
                LoggerFactory = loggerFactory,
            });
            var dispatcher = new RpcDispatcher(runtime, config.BootstrapExpect);
            raft.RpcHandler = dispatcher.HandleAsync;
            ttl.ForwardHeartbeat = check => server.ForwardHeartbeat(check);
            await raft.OpenAsync(cancellationToken).ConfigureAwait(false);
            var monitor = new ServerMonitor(runtime, rpc, dispatcher, config.Autopilot, loggerFactory.CreateLogger<ServerMonitor>());
            runtime.Cluster = monitor;
            await server.StartHttpAsync(cancellationToken).ConfigureAwait(false);
            await server.StartXdsAsync(cancellationToken).ConfigureAwait(false);

            var joiner = new ClusterJoiner(runtime, rpc, dispatcher, new ClusterOptions
            {
                BootstrapAlone = config.Bootstrap || config.BootstrapExpect == 1 || config.Dev,
                BootstrapExpect = config.BootstrapExpect,
                RetryJoin = config.RetryJoin,
                RetryInterval = config.RetryInterval,
            }, loggerFactory.CreateLogger<ClusterJoiner>());
            var joining = joiner.RunAsync(server._stopping.Token);
            if (raft.IsFresh && (config.BootstrapExpect > 1 || !(config.Bootstrap || config.Dev)))
            {
                server._background.Add(joining); // waits for peers; the HTTP API answers 503s meanwhile
            }
            else
            {
                await joining.ConfigureAwait(false);
            }

            server._background.Add(monitor.RunAsync(server._stopping.Token));
            server._background.Add(ttl.RunAsync(server._stopping.Token));
            server._background.Add(new Checks.CheckRunner(runtime, loggerFactory.CreateLogger<Checks.CheckRunner>()).RunAsync(server._stopping.Token));
            server._background.Add(server.RegisterSelfAsync(server._stopping.Token));
            server._background.Add(runtime.Ca.RunAsync(server._stopping.Token));
            Log.Started(server._logger, identity.NodeName, identity.Datacenter, server.HttpAddress, serverEndPoint);
            return server;
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private string? _devDataDir;
    private ServerRpc? _rpc;

    /// <summary>A TTL heartbeat seen on a follower is passed to the leader, which decides expiry.</summary>
    private void ForwardHeartbeat(HealthCheck check)
    {
        if (_rpc is null || Raft.Leader is not { } leader)
        {
            return;
        }

        _ = Task.Run(async () =>
        {
            try
            {
                await _rpc.CallAsync<AckResponse>(leader, new TtlHeartbeatRequest { Node = check.Node, CheckId = check.CheckId }, TimeSpan.FromSeconds(5), _stopping.Token).ConfigureAwait(false);
            }
            catch (Exception error) when (error is IOException or System.Net.Sockets.SocketException or OperationCanceledException or InvalidDataException)
            {
                // The leader resets deadlines when it takes over, so a lost heartbeat only shortens one TTL.
            }
        });
    }

    private static readonly List<System.Net.Security.SslApplicationProtocol> HttpsProtocols =
        [System.Net.Security.SslApplicationProtocol.Http2, System.Net.Security.SslApplicationProtocol.Http11];

    private async Task StartHttpAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(LoggerFactory);
        _metrics = new Mesh.Server.Metrics.ServerMetrics(Runtime);
        builder.Services.AddSingleton(_metrics);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = 64L * 1024 * 1024; // Per-endpoint limits are tighter; snapshots need room.
            foreach (var address in Config.ClientAddresses)
            {
                if (Config.HttpPort >= 0)
                {
                    kestrel.Listen(IPAddress.Parse(address), Config.HttpPort);
                }

                if (Tls.Https is { } https)
                {
                    kestrel.Listen(IPAddress.Parse(address), Config.HttpsPort, listen => listen.UseHttps(TlsListener.Options(https, HttpsProtocols)));
                }
            }
        });
        var web = builder.Build();
        web.UseMeshApi(Runtime);
        await web.StartAsync(cancellationToken).ConfigureAwait(false);
        _web = web;
        var addresses = web.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
        var plainSeen = false;
        foreach (var address in addresses ?? [])
        {
            var uri = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
            if (uri.Scheme == Uri.UriSchemeHttps)
            {
                HttpsAddress ??= uri;
            }
            else if (!plainSeen)
            {
                HttpAddress = uri;
                plainSeen = true;
            }
        }

        if (!plainSeen && HttpsAddress is not null)
        {
            HttpAddress = HttpsAddress; // HTTPS only (ports.http = -1)
        }
    }

    /// <summary>The xDS server on the gRPC port, fed by this server's own proxycfg (followers serve from local state).</summary>
    private async Task StartXdsAsync(CancellationToken cancellationToken)
    {
        if (Config.GrpcPort < 0 && Tls.Grpc is null)
        {
            return; // Consul's ports.grpc = -1 and no ports.grpc_tls: disabled
        }

        _proxies = new Mesh.ProxyCfg.ProxyConfigSource(
            Fsm,
            Runtime.Ca!.Leaves,
            Runtime.Self,
            new Mesh.ProxyCfg.ProxyCfgOptions { CoalesceDelay = Config.XdsCoalesceDelay, UpdateMaxPerSecond = Config.XdsUpdateMaxPerSecond },
            LoggerFactory);
        var context = new Mesh.XdsServer.XdsServerContext
        {
            Fsm = Fsm,
            Proxies = _proxies,
            Self = Runtime.Self,
            LoggerFactory = LoggerFactory,
            Access = Runtime.Access,
            Streams = new Mesh.XdsServer.Streams.XdsStreams(new Mesh.XdsServer.XdsServerOptions { MaxStreams = Config.XdsMaxStreams }),
        };
        _xds = await XdsGrpcHost.StartAsync(Config.ClientAddresses, Config.GrpcPort, Config.GrpcTlsPort, Tls.Grpc, context, cancellationToken).ConfigureAwait(false);
        TrackXdsMetrics(context);
    }

    private void TrackXdsMetrics(Mesh.XdsServer.XdsServerContext context)
    {
        if (_metrics is null || _proxies is not { } proxies)
        {
            return;
        }

        _metrics.Track(context.Streams.Metrics.Meter);
        _metrics.ObserveCounter(Mesh.Server.Metrics.MetricNames.ProxyCfgBuilds, () => proxies.Builds, "Proxy config snapshots built");
        _metrics.ObserveCounter(Mesh.Server.Metrics.MetricNames.ProxyCfgPublishes, () => proxies.Publishes, "Proxy config snapshots published to watchers");
        _metrics.ObserveGauge(Mesh.Server.Metrics.MetricNames.ProxyCfgWatchedProxies, () => proxies.WatchedProxies, "Proxies with a config watch on this server");
    }

    /// <summary>Keeps this server's node in the catalog with a passing serfHealth check, as a Consul agent's node has.</summary>
    private async Task RegisterSelfAsync(CancellationToken cancellationToken)
    {
        var self = Runtime.Self;
        var command = new RegisterCommand
        {
            Node = self.NodeName,
            NodeId = self.NodeId,
            Address = self.AdvertiseAddress,
            Datacenter = self.Datacenter,
            TaggedAddresses = EmptyMap.Sorted<string>(new Dictionary<string, string> { ["lan"] = self.AdvertiseAddress, ["lan_ipv4"] = self.AdvertiseAddress, ["wan"] = self.AdvertiseAddress, ["wan_ipv4"] = self.AdvertiseAddress }),
            NodeMeta = EmptyMap.Sorted<string>(new Dictionary<string, string>
            {
                ["consul-network-segment"] = string.Empty,
                ["mesh-server"] = "true",
                ["mesh-server-addr"] = Mesh.Server.Cluster.ServerAddress.Format(self.ServerEndPoint),
            }),
            Checks =
            [
                new HealthCheck
                {
                    Node = self.NodeName,
                    CheckId = "serfHealth",
                    Name = "Serf Health Status",
                    Status = HealthStatus.Passing,
                    Output = "Agent alive and reachable",
                },
            ],
        };
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Runtime.Commands.SubmitAsync(command, Mesh.Server.Access.RequestToken.Anonymous, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception error) when (error is NoLeaderException or NotLeaderException)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Waits until the server's own node is in the catalog and the Connect CA exists: the server is then fully usable.</summary>
    public async Task WaitUntilReadyAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        while (Fsm.Current.FindCheck(Runtime.Self.NodeName, "serfHealth") is null || Fsm.Current.Ca is null)
        {
            await Task.Delay(20, cts.Token).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_xds is not null)
        {
            // First, so proxies are told to reconnect elsewhere while this server still answers.
            await _xds.DisposeAsync().ConfigureAwait(false);
            Log.XdsStopped(_logger, _xds.Context.Streams.Metrics.ToString());
            _xds.Context.Streams.Dispose();
        }

        if (_proxies is not null)
        {
            await _proxies.DisposeAsync().ConfigureAwait(false);
        }

        if (_web is not null)
        {
            using (var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
            {
                await _web.StopAsync(grace.Token).ConfigureAwait(false);
            }

            await _web.DisposeAsync().ConfigureAwait(false);
        }

        foreach (var task in _background)
        {
            try
            {
                await task.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
            catch (Exception error)
            {
                // A background loop that failed while stopping must not stop the rest of the shutdown.
                Log.BackgroundFailed(_logger, error);
            }
        }

        await Raft.DisposeAsync().ConfigureAwait(false);
        Runtime.Ca?.Dispose();
        if (_rpc is not null)
        {
            await _rpc.DisposeAsync().ConfigureAwait(false);
        }

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

        _metrics?.Dispose();
        Tls.Dispose();
        _stopping.Dispose();
        Log.Stopped(_logger, Runtime.Self.NodeName);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Mesh server {Node} in {Datacenter} started: HTTP {Http}, Raft {Raft}")]
        public static partial void Started(ILogger logger, string node, string datacenter, Uri http, IPEndPoint raft);

        [LoggerMessage(EventId = 4003, Level = LogLevel.Warning, Message = "A background task failed during shutdown")]
        public static partial void BackgroundFailed(ILogger logger, Exception error);

        [LoggerMessage(EventId = 4004, Level = LogLevel.Information, Message = "xDS server stopped: {Metrics}")]
        public static partial void XdsStopped(ILogger logger, string metrics);

        [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "Mesh server {Node} stopped")]
        public static partial void Stopped(ILogger logger, string node);
    }
}
