using Mesh.Ca;
using Mesh.Fsm;
using Mesh.Raft;
using Mesh.Raft.Transport;
using Mesh.Server.Access;
using Mesh.Server.Cluster;
using Mesh.Server.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mesh.Server.Hosting;

/// <summary>Composes one Mesh server core, as YARP's <c>AddReverseProxy</c> composes a proxy.</summary>
public static class ServerServiceCollectionExtensions
{
    /// <summary>
    /// Registers the store, Raft, the write pipeline, cluster RPC, TTL expiry, the Connect CA and metrics, and the
    /// background loops as hosted services in start order: Raft, cluster join, server monitor, TTL expiry,
    /// self-registration, CA leader, ACL leader (with ACLs on). Edges (HTTP, xDS) register after this, so they start after the join and stop
    /// first. Cycles (Raft -> RPC dispatcher, runtime -> server monitor) are broken by interfaces resolved on first use.
    /// One provider per server: several servers run in one process without sharing anything.
    /// </summary>
    public static IServiceCollection AddMeshServer(this IServiceCollection services, MeshServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        services.AddSingleton(options);
        services.AddSingleton(options.Clock);
        services.AddSingleton(options.Identity);
        services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));

        // Every server applies with the same rules, so a config-entry write refused on one is refused on all.
        services.AddSingleton(_ => new StateMachine(new Mesh.Config.ConfigEntries.ConfigEntryValidator()));
        services.AddSingleton<ServerInstruments>();
        services.AddSingleton(sp => new FsmReplica(sp.GetRequiredService<StateMachine>(), sp.GetRequiredService<ServerInstruments>()));
        services.AddSingleton(sp => new RaftServer(
            options.Raft,
            sp.GetRequiredService<FsmReplica>(),
            sp.GetRequiredService<ILoggerFactory>(),
            new DeferredRpcHandler(sp)));
        services.AddSingleton(_ => new ServerRpc(new RpcClient(options.Raft.Tls))); // the server port's TLS, both directions
        services.AddSingleton<LeaderRpc>();
        services.AddSingleton<ILeaderForwarder>(sp => new LeaderForwarder(sp.GetRequiredService<LeaderRpc>()) { BatchWindow = ForwardBatchWindow() });
        services.AddSingleton(sp => new CommandPipeline(sp.GetRequiredService<RaftServer>(), options.Clock, sp.GetRequiredService<ILeaderForwarder>()) { Instruments = sp.GetRequiredService<ServerInstruments>(), GroupProposals = GroupProposals(), ProposeWindow = ProposeWindow() });
        services.AddSingleton<ITtlHeartbeatForwarder, LeaderHeartbeatForwarder>();
        services.AddSingleton<TtlTracker>();
        services.AddSingleton<LeafSigningForwarder>();
        services.AddSingleton<ICaHost>(sp => new ServerCaHost(
            sp.GetRequiredService<StateMachine>(),
            sp.GetRequiredService<RaftServer>(),
            sp.GetRequiredService<CommandPipeline>(),
            sp.GetRequiredService<LeafSigningForwarder>(),
            options.Identity,
            options.CaConfig,
            options.Clock,
            sp.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton(sp => new CaRuntime(sp.GetRequiredService<ICaHost>()));
        services.AddSingleton(_ => new AgentTokenStore(options.Acl.Tokens, options.Acl.EnableTokenPersistence ? options.AclTokenPersistencePath : null));
        services.AddSingleton(sp => new ServerRuntime
        {
            Fsm = sp.GetRequiredService<StateMachine>(),
            Raft = sp.GetRequiredService<RaftServer>(),
            Commands = sp.GetRequiredService<CommandPipeline>(),
            Self = options.Identity,
            Ttl = sp.GetRequiredService<TtlTracker>(),
            Clock = options.Clock,
            Ca = sp.GetRequiredService<CaRuntime>(),
            Cluster = new DeferredClusterView(sp),
            Reads = new ConsistentReadBarrier(sp.GetRequiredService<RaftServer>(), sp.GetRequiredService<StateMachine>(), sp.GetRequiredService<LeaderRpc>()),
            Access = options.Acl.Enabled
                ? new AclAccessPolicy(sp.GetRequiredService<StateMachine>(), options.Acl, options.Identity.Datacenter, options.Clock, sp.GetRequiredService<AgentTokenStore>())
                : AllowAllPolicy.Instance,
            Acl = options.Acl,
            AgentTokens = sp.GetRequiredService<AgentTokenStore>(),
            Membership = new Lazy<Membership.ServerMembership>(sp.GetRequiredService<Membership.ServerMembership>),
            Wan = new Lazy<Federation.WanFederation>(sp.GetRequiredService<Federation.WanFederation>),
            AgentHost = options.AgentHost,
        });
        services.AddSingleton(sp => new Membership.ServerMembership(
            sp.GetRequiredService<ServerRuntime>(),
            sp.GetRequiredService<ServerRpc>(),
            sp.GetRequiredService<ClusterJoiner>(),
            sp.GetRequiredService<ILogger<Membership.ServerMembership>>()));
        services.AddSingleton(sp => new Federation.WanFederation(
            sp.GetRequiredService<ServerRuntime>(),
            sp.GetRequiredService<ServerRpc>(),
            options.Wan,
            sp.GetRequiredService<ILogger<Federation.WanFederation>>()));
        services.AddSingleton<Federation.IDatacenterHealthSource>(sp => sp.GetRequiredService<Federation.WanFederation>());
        services.AddSingleton<Federation.IKnownDatacenters>(sp => sp.GetRequiredService<Federation.WanFederation>());
        services.AddSingleton(sp => new RpcDispatcher(sp.GetRequiredService<ServerRuntime>(), options.Cluster.BootstrapExpect) { Instruments = sp.GetRequiredService<ServerInstruments>() });
        services.AddSingleton(sp => new ServerMonitor(
            sp.GetRequiredService<ServerRuntime>(),
            sp.GetRequiredService<ServerRpc>(),
            sp.GetRequiredService<RpcDispatcher>(),
            options.Autopilot,
            sp.GetRequiredService<ILogger<ServerMonitor>>()));
        services.AddSingleton(sp => new ClusterJoiner(
            sp.GetRequiredService<ServerRuntime>(),
            sp.GetRequiredService<ServerRpc>(),
            sp.GetRequiredService<RpcDispatcher>(),
            options.Cluster,
            sp.GetRequiredService<ILogger<ClusterJoiner>>()));
        services.AddSingleton(sp => new AclLeaderDuties(
            sp.GetRequiredService<RaftServer>(),
            sp.GetRequiredService<StateMachine>(),
            sp.GetRequiredService<CommandPipeline>(),
            options.Acl,
            options.Clock,
            sp.GetRequiredService<ILogger<AclLeaderDuties>>()));
        services.AddSingleton(sp => new ServerMetrics(sp.GetRequiredService<ServerRuntime>(), sp.GetRequiredService<ServerInstruments>()));
        services.AddSingleton(sp => new Membership.ServerCatalogReconciler(sp.GetRequiredService<ServerRuntime>(), sp.GetRequiredService<ILogger<Membership.ServerCatalogReconciler>>()));

        services.AddHostedService<RaftStartService>();
        services.AddHostedService<ClusterJoinService>();
        services.AddHostedService<ServerMonitorService>();
        services.AddHostedService<WanFederationService>();
        services.AddHostedService<TtlExpiryService>();
        services.AddHostedService<SelfRegistrationService>();
        services.AddHostedService<ServerCatalogService>();
        services.AddHostedService<CaLeaderService>();
        services.AddHostedService<GatewayStatusService>();
        if (options.Acl.Enabled)
        {
            services.AddHostedService<AclLeaderService>();
        }

        return services;
    }

    /// <summary>
    /// Forwarded writes in flight to the leader at once (see <see cref="LeaderForwarder.BatchWindow"/>). The
    /// <c>MESH_FORWARD_BATCH_WINDOW</c> environment variable overrides it, 0 sending every write alone as before
    /// batching: a switch for side-by-side benchmarks (<c>Mesh.LoadTest cluster --target unbatched,mesh</c>).
    /// </summary>
    private static int ForwardBatchWindow()
        => int.TryParse(Environment.GetEnvironmentVariable("MESH_FORWARD_BATCH_WINDOW"), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var window)
            ? window
            : 2;

    /// <summary>
    /// Whether the leader writes the proposals queued behind its entries in flight as one log entry (see
    /// <see cref="ProposalCoalescer"/>): off unless <c>MESH_PROPOSE_BATCH=1</c>, as it did not pay on the quiet 2-core
    /// machine (docs/benchmarks.md); a switch for side-by-side benchmarks (<c>Mesh.LoadTest cluster --target mesh,grouped</c>).
    /// </summary>
    private static bool GroupProposals() => Environment.GetEnvironmentVariable("MESH_PROPOSE_BATCH") == "1";

    /// <summary>
    /// Log entries the leader keeps in flight before it groups what queues (see <see cref="ProposalCoalescer.Window"/>):
    /// <c>MESH_PROPOSE_WINDOW</c> (1-64) overrides the default 2, for benchmarks.
    /// </summary>
    private static int ProposeWindow()
        => int.TryParse(Environment.GetEnvironmentVariable("MESH_PROPOSE_WINDOW"), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var window) && window is >= 1 and <= 64
            ? window
            : 2;
}
