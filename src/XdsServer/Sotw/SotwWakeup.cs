using System.Threading.Channels;
using Mesh.EnvoyResources.Proxyless;
using Mesh.Fsm;
using Mesh.Fsm.State;
using Mesh.Xds;

namespace Mesh.XdsServer.Sotw;

/// <summary>
/// Wakes one SotW stream when a store change touches what its resources are built from: the services it
/// subscribed to (instances, checks, nodes), the service list for wildcards, intentions, or a whole-state restore.
/// The store's <c>Applied</c> event runs on the apply thread, so the handler only compares keys and sets a flag;
/// a slow client never holds up the store.
/// </summary>
internal sealed class SotwWakeup : IDisposable
{
    private static readonly string IntentionsKey = WatchKeys.ConfigKind(Mesh.Config.ConfigEntries.ServiceIntentionsKind.KindName);

    private readonly StateMachine _fsm;
    private readonly Channel<bool> _signal = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    private volatile HashSet<string> _interests = new(StringComparer.Ordinal);
    private long _restoreGeneration;

    public SotwWakeup(StateMachine fsm)
    {
        _fsm = fsm;
        _restoreGeneration = fsm.Watches.RestoreGeneration;
        fsm.Applied += OnApplied;
    }

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

    /// <summary>Waits for the next relevant change (changes while nobody waits are kept as one pending wakeup).</summary>
    public async Task WaitAsync(CancellationToken cancellationToken)
    {
        await _signal.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false);
        _signal.Reader.TryRead(out _);
    }

    public void Dispose() => _fsm.Applied -= OnApplied;

    private void OnApplied(StoreState state, IReadOnlyCollection<string> touched)
    {
        if (touched.Count == 0)
        {
            var generation = _fsm.Watches.RestoreGeneration;
            if (generation != Interlocked.Exchange(ref _restoreGeneration, generation))
            {
                _signal.Writer.TryWrite(true);
            }

            return;
        }

        var interests = _interests;
        foreach (var key in touched)
        {
            if (interests.Contains(key))
            {
                _signal.Writer.TryWrite(true);
                return;
            }
        }
    }
}
