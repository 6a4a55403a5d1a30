using Mesh.EnvoyResources.Proxyless;
using Mesh.Fsm;
using Mesh.Fsm.Feed;
using Mesh.Fsm.State;
using Mesh.Xds;

namespace Mesh.XdsServer.Sotw;

/// <summary>
/// Wakes one SotW stream when a store change touches what its resources are built from: the services it
/// subscribed to (instances, checks, nodes), the service list for wildcards, intentions, or a whole-state restore.
/// It reads the FSM's change feed through its own coalescing subscription, so a slow client never holds up the store,
/// and changes made while nobody waits are kept as one pending batch.
/// </summary>
internal sealed class SotwWakeup : IDisposable
{
    private static readonly string IntentionsKey = WatchKeys.ConfigKind(Mesh.Config.ConfigEntries.ServiceIntentionsKind.KindName);

    private readonly ChangeSubscription _changes;
    private volatile HashSet<string> _interests = new(StringComparer.Ordinal);

    public SotwWakeup(StateMachine fsm) => _changes = fsm.Changes.Subscribe();

    /// <summary>The watch keys of the current subscriptions; set before the state is read, so no change slips between.</summary>
    public void Track(SotwSession session)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal) { IntentionsKey };
        if (session.Client is { } client)
        {
            // A node.id or declared service that gets registered changes who the client is for intentions.
            keys.Add(WatchKeys.Service(client.NodeId));
            if (client.DeclaredService is { } declared)
            {
                keys.Add(WatchKeys.Service(declared));
            }
        }

        foreach (var state in session.Types)
        {
            if (state.Subscription.Wildcard)
            {
                keys.Add(WatchKeys.Services);
            }

            foreach (var name in state.Subscription.Names)
            {
                var service = state.TypeUrl is XdsTypeUrls.Listener or XdsTypeUrls.RouteConfiguration
                    ? ProxylessNames.ServiceOf(name)
                    : ProxylessNames.ServiceOfCluster(name);
                if (service is not null)
                {
                    keys.Add(WatchKeys.Service(service));
                }
            }
        }

        _interests = keys;
    }

    /// <summary>Waits for the next change batch that is a restore or touches a tracked key.</summary>
    public async Task WaitAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var batch = await _changes.ReadAsync(cancellationToken).ConfigureAwait(false);
            if (batch.Restored || batch.Keys.Overlaps(_interests))
            {
                return;
            }
        }
    }

    public void Dispose() => _changes.Dispose();
}
