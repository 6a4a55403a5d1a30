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
public sealed partial class MeshServer : IAsyncDisposable, Mesh.Server.Membership.IAgentHost
{
    private readonly CancellationTokenSource _shutdown = new();
    private readonly ServerHost _host;
    private readonly ILogger _logger;
    private readonly string? _devDataDir;

    private static readonly List<System.Net.Security.SslApplicationProtocol> HttpsProtocols =
        [System.Net.Security.SslApplicationProtocol.Http2, System.Net.Security.SslApplicationProtocol.Http11];

    private static readonly List<System.Net.Security.SslApplicationProtocol> Http2Only = [System.Net.Security.SslApplicationProtocol.Http2];

    private MeshServer(AgentConfig config, ServerHost host, Mesh.Agent.Tls.AgentTls tls, MonitoredLoggerFactory loggerFactory, string? devDataDir)
    {
        Config = config;
        _levelled = loggerFactory;
        Tls = tls;
        _host = host;
        LoggerFactory = loggerFactory;
        _devDataDir = devDataDir;
        _logger = loggerFactory.CreateLogger<MeshServer>();
        Runtime = host.Services.GetRequiredService<ServerRuntime>();
    }

    private readonly MonitoredLoggerFactory _levelled;

    public AgentConfig Config { get; private set; }

    /// <summary>Reads the configuration again for <c>PUT /v1/agent/reload</c> (the agent command re-reads its flags and files); null: nothing to re-read.</summary>
    public Func<AgentConfig>? ReloadSource { get; set; }

    /// <summary>Cancelled when the agent was asked to leave (<c>PUT /v1/agent/leave</c>): the process then stops.</summary>
    public CancellationToken ShutdownRequested => _shutdown.Token;

    /// <summary>The level this server writes its logs at (monitors choose their own).</summary>
    public LogLevel LogLevel => _levelled.Level;

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

    /// <summary>
    /// Starts a server. With <paramref name="logLevel"/> the server filters its logs at that level (and a reload can
    /// change it; the given factory should then pass everything); without, the given factory's own filters decide.
    /// </summary>
    /// <remarks>
    /// With a <paramref name="timeline"/>, start-up moments are marked on it (data folder, TLS, host built, each hosted
    /// service) and, once the server has started and the first HTTP request has been answered, the whole timeline is
    /// logged at trace level (event 8900).
    /// </remarks>
    public static async Task<MeshServer> StartAsync(AgentConfig config, ILoggerFactory loggerFactory, CancellationToken cancellationToken, LogLevel? logLevel = null, StartupTimeline? timeline = null)
    {
        var agentHost = new Mesh.Server.Membership.AgentHostBinding();
        var levelled = new MonitoredLoggerFactory(loggerFactory, agentHost.Logs, logLevel ?? LogLevel.Trace);
        loggerFactory = levelled;
        var dataDir = config.Dev
            ? Path.Combine(Path.GetTempPath(), "mesh-dev-" + Guid.NewGuid().ToString("N"))
            : config.DataDir ?? throw new ArgumentException("data_dir is required for a server outside -dev mode", nameof(config));
        Directory.CreateDirectory(dataDir);
        timeline?.Mark("data dir ready");

        // The timeline is logged once both the server has started and its first request was answered (either may be last).
        var timelineLog = timeline is null ? null : TimelineLogOnSecondCall(timeline, loggerFactory.CreateLogger<MeshServer>());
        var serverEndPoint = new IPEndPoint(IPAddress.Parse(config.BindAddress), config.ServerPort);
        var bootstrapAlone = config.Bootstrap || config.BootstrapExpect == 1 || config.Dev;
        var tls = Mesh.Agent.Tls.AgentTls.Create(config, TimeProvider.System, loggerFactory);
        timeline?.Mark("TLS loaded");
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
                Domain = config.Domain,
                AdvertiseAddress = config.BindAddress,
                AdvertiseWanAddress = config.AdvertiseWanAddress ?? config.BindAddress,
                ServerEndPoint = serverEndPoint,
                HttpPort = config.HttpPort,
                GrpcPort = config.GrpcPort,
                GrpcTlsPort = config.GrpcTlsPort > 0 ? config.GrpcTlsPort : -1,
                DevMode = config.Dev,
                Bootstrap = bootstrapAlone,
                ClientAddresses = config.ClientAddresses,
                HttpsPort = config.HttpsPort,
                SidecarMinPort = config.SidecarMinPort,
                SidecarMaxPort = config.SidecarMaxPort,
                DefaultIntentionPolicy = config.DefaultIntentionPolicy,
                EnableRemoteScriptChecks = config.EnableScriptChecks,
                EnableLocalScriptChecks = config.EnableLocalScriptChecks,
            },
            Cluster = new ClusterOptions
            {
                BootstrapAlone = bootstrapAlone,
                BootstrapExpect = config.BootstrapExpect,
                RetryJoin = config.RetryJoin,
                RetryInterval = config.RetryInterval,
            },
            ExplicitBootstrap = config.Bootstrap || config.Dev,
            Wan = new Mesh.Server.Federation.WanOptions
            {
                RetryJoinWan = config.RetryJoinWan,
                RefreshInterval = config.RetryIntervalWan,
                PrimaryDatacenter = config.PrimaryDatacenter,
            },
            Autopilot = config.Autopilot,
            CaConfig = Mesh.Ca.Config.CaConfigParser.ParseAgentConfig(config.ConnectCaProvider, config.ConnectCaConfig),
            Acl = config.Acl,
            AclTokenPersistencePath = Path.Combine(dataDir, Mesh.Server.Access.AgentTokenStore.FileName),
            AgentHost = agentHost,
        });
        services.AddMeshApi(new MeshApiOptions
        {
            Addresses = config.ClientAddresses,
            Port = config.HttpPort,
            HttpsPort = config.HttpsPort,
            ConfigureHttps = tls.Https is { } https ? listen => listen.UseHttps(TlsListener.Options(https, HttpsProtocols)) : null,
            MapHostEndpoints = config.UiEnabled ? MapUi() : null,
            FirstRequestServed = timelineLog is null ? null : () =>
            {
                timeline!.Mark("first request served");
                timelineLog();
            },
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

        services.AddSingleton(new Checks.CheckRunnerOptions
        {
            ScriptChecks = config.EnableScriptChecks || config.EnableLocalScriptChecks,
            OutputMaxSize = config.CheckOutputMaxSize,
        });
        services.AddHostedService<Checks.CheckRunnerService>();
        services.AddSingleton(sp => new ConfigFileRegistrations(
            sp.GetRequiredService<ServerRuntime>(), config, Path.Combine(dataDir, ConfigFileRegistrations.FileName), sp.GetRequiredService<ILogger<ConfigFileRegistrations>>()));
        services.AddHostedService<ConfigRegistrationLoop>();
        var host = new ServerHost(services, timeline);
        var server = new MeshServer(config, host, tls, levelled, config.Dev ? dataDir : null);
        agentHost.Attach(server);
        try
        {
            await host.StartAsync(cancellationToken).ConfigureAwait(false);
            timeline?.Mark("server started");
            timelineLog?.Invoke();
            Log.Started(server._logger, server.Runtime.Self.NodeName, server.Runtime.Self.Datacenter, server.HttpAddress, serverEndPoint);
            return server;
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static Action TimelineLogOnSecondCall(StartupTimeline timeline, ILogger logger)
    {
        var calls = 0;
        return () =>
        {
            if (Interlocked.Increment(ref calls) == 2 && logger.IsEnabled(LogLevel.Trace))
            {
                Log.TimelineReady(logger, timeline.Describe());
            }
        };
    }

    /// <summary>
    /// The web UI's routes (<c>/ui/</c>, and <c>/</c> redirecting there), with the files read once for this server, when
    /// the HTTP API's application is built (in its preparation, beside Raft opening).
    /// </summary>
    private static Action<Microsoft.AspNetCore.Routing.IEndpointRouteBuilder> MapUi()
        => app => Mesh.Ui.UiRoutes.Map(app, new Mesh.Ui.UiOptions(), Mesh.Ui.UiAssets.Load());

    /// <summary>Waits until the server's own node is in the catalog and the Connect CA exists: the server is then fully usable.</summary>
    public async Task WaitUntilReadyAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        using var changes = Fsm.Changes.Subscribe(); // before the first look, so no change falls in between
        // Ready once the leader has registered this server (node, serfHealth and the "consul" service) and the CA:
        // tests that compare state digests must not see that registration land under them.
        while (Fsm.Current.FindCheck(Runtime.Self.NodeName, "serfHealth") is null
            || Fsm.Current.FindService(Runtime.Self.NodeName, "consul") is null
            || Fsm.Current.Ca is null)
        {
            await changes.ReadAsync(cts.Token).ConfigureAwait(false);
        }
    }

    /// <summary>After a leave: the process (the agent command) stops; in-process hosts watch <see cref="ShutdownRequested"/>.</summary>
    public void Shutdown()
    {
        Log.ShutdownRequested(_logger);
        _shutdown.Cancel();
    }

    /// <summary>
    /// <c>PUT /v1/agent/reload</c> (and SIGHUP): reads the configuration again, then applies the log level, reloads the
    /// TLS files and brings the config files' services and checks up to date (API-registered ones stay). A
    /// configuration that does not read changes nothing.
    /// </summary>
    public async Task<Mesh.Server.Membership.AgentReloadResult> ReloadAsync(CancellationToken cancellationToken)
    {
        var config = Config;
        var warnings = new List<string>();
        if (ReloadSource is { } source)
        {
            try
            {
                config = source();
                warnings.AddRange(config.ConfigWarnings);
            }
            catch (Exception error) when (error is Mesh.Agent.Cli.UsageException or Mesh.Agent.Cli.CliException or IOException or InvalidDataException or System.Text.Json.JsonException or UnauthorizedAccessException or FormatException)
            {
                throw new Mesh.Server.Membership.AgentReloadException("Failed reloading config: " + error.Message, error);
            }
        }

        if (Mesh.Agent.Cli.AgentCommand.LevelOf(config.LogLevel) is not { } level)
        {
            throw new Mesh.Server.Membership.AgentReloadException($"Failed reloading config: log_level \"{config.LogLevel}\" is not one of trace, debug, info, warn, err");
        }

        foreach (var (name, before, after) in RestartOnly(Config, config))
        {
            warnings.Add($"{name} changed from {before} to {after}: takes effect after a restart");
        }

        try
        {
            await _host.Services.GetRequiredService<ConfigFileRegistrations>().SyncAsync(config, cancellationToken).ConfigureAwait(false);
        }
        catch (ConfigRegistrationException error)
        {
            throw new Mesh.Server.Membership.AgentReloadException("Failed reloading config: " + error.Message, error);
        }

        _levelled.Level = level;
        Tls.Reload();
        Config = Config with { LogLevel = config.LogLevel, Tls = config.Tls, Services = config.Services, Checks = config.Checks };
        Log.Reloaded(_logger, config.LogLevel);
        return new Mesh.Server.Membership.AgentReloadResult(config.LogLevel, TlsReloaded: true, warnings);
    }

    private static IEnumerable<(string Name, string Before, string After)> RestartOnly(AgentConfig before, AgentConfig after)
    {
        (string Name, string Before, string After)[] keys =
        [
            ("node_name", before.NodeName, after.NodeName),
            ("datacenter", before.Datacenter, after.Datacenter),
            ("bind_addr", before.BindAddress, after.BindAddress),
            ("ports.http", Text(before.HttpPort), Text(after.HttpPort)),
            ("ports.grpc", Text(before.GrpcPort), Text(after.GrpcPort)),
            ("ports.server", Text(before.ServerPort), Text(after.ServerPort)),
            ("enable_script_checks", Flag(before.EnableScriptChecks), Flag(after.EnableScriptChecks)),
            ("enable_local_script_checks", Flag(before.EnableLocalScriptChecks), Flag(after.EnableLocalScriptChecks)),
            ("log_json", Flag(before.LogOutput.Json), Flag(after.LogOutput.Json)),
            ("log_file", before.LogOutput.File ?? "(none)", after.LogOutput.File ?? "(none)"),
        ];
        return keys.Where(k => k.Before != k.After);

        static string Text(int port) => port.ToString(System.Globalization.CultureInfo.InvariantCulture);

        static string Flag(bool value) => value ? "true" : "false";
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
        _shutdown.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Mesh server {Node} in {Datacenter} started: HTTP {Http}, Raft {Raft}")]
        public static partial void Started(ILogger logger, string node, string datacenter, Uri http, IPEndPoint raft);

        [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "Mesh server {Node} stopped")]
        public static partial void Stopped(ILogger logger, string node);

        [LoggerMessage(EventId = 4655, Level = LogLevel.Information, Message = "Graceful leave complete: shutting down")]
        public static partial void ShutdownRequested(ILogger logger);

        [LoggerMessage(EventId = 8900, Level = LogLevel.Trace, Message = "Start-up timeline: {Timeline}")]
        public static partial void TimelineReady(ILogger logger, string timeline);

        [LoggerMessage(EventId = 4656, Level = LogLevel.Information, Message = "Reloaded the configuration: log level {Level}, TLS files read again")]
        public static partial void Reloaded(ILogger logger, string level);
    }
}
