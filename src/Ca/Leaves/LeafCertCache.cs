using System.Collections.Concurrent;
using Mesh.Ca.Crypto;
using Mesh.Ca.Signing;
using Mesh.Fsm.Model;
using Mesh.Fsm.State;
using Mesh.Fsm.Watch;

namespace Mesh.Ca.Leaves;

/// <summary>
/// The leaf certificates this server holds, one per <see cref="LeafRequest"/>: per service, and per set of DNS names
/// for a gateway that asks for them (Consul's agent leaf cache, keyed by service and DNSSAN). A gateway's newer set of
/// names drops the slot of its previous set, so slots do not pile up as its hosts change. A request gets the held leaf
/// unless it is due for renewal (past its random 60-90% point) or was signed by a root that is no longer the active
/// one; then it gets a new key (from <see cref="LeafKeyPool"/>) and the leader signs it: directly when this server
/// leads, through a CSR made with the key when another server does. With <c>?index=N</c> a request waits until a leaf
/// with a higher index exists, which happens at the renewal point or as soon as the roots change.
/// </summary>
public sealed class LeafCertCache(ICaHost host, LeafSigningRoute route, LeafKeyPool keys)
{
    private readonly ConcurrentDictionary<string, LeafSlot> _slots = new(StringComparer.Ordinal);

    // Per service, the key of the last DNS-named slot asked for.
    private readonly ConcurrentDictionary<string, string> _namedKeys = new(StringComparer.Ordinal);

    /// <summary>How long one issuance may take, retries after rate limiting and leader changes included.</summary>
    public TimeSpan IssueTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public Task<IssuedLeaf> GetAsync(string service, long minIndex, TimeSpan wait, CancellationToken cancellationToken)
        => GetAsync(new LeafRequest(service), minIndex, wait, cancellationToken);

    public async Task<IssuedLeaf> GetAsync(LeafRequest request, long minIndex, TimeSpan wait, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!request.DnsSans.IsEmpty)
        {
            var previous = _namedKeys.GetValueOrDefault(request.Service);
            _namedKeys[request.Service] = request.Key;
            if (previous is not null && previous != request.Key)
            {
                // A waiter on the old slot keeps it until it asks again; the cache no longer hands it out.
                _slots.TryRemove(previous, out _);
            }
        }

        var slot = _slots.GetOrAdd(request.Key, static _ => new LeafSlot());
        var clock = host.Clock;
        var deadline = clock.GetUtcNow() + wait;
        while (true)
        {
            // Capture the change signals before looking, so a change in between still wakes us (only a blocking
            // query waits on them).
            WatchSet? roots = minIndex == 0 ? null : host.Fsm.Watches.Capture([WatchKeys.CaRoots]);
            var replaced = slot.Replaced;
            var leaf = slot.Current;
            if (leaf is null || IsStale(leaf, slot.RootIdAtIssue))
            {
                leaf = await RenewAsync(request, slot, cancellationToken).ConfigureAwait(false);
            }

            var now = clock.GetUtcNow();
            if (roots is null || leaf.ModifyIndex > minIndex || now >= deadline)
            {
                return leaf;
            }

            var until = leaf.RenewAt < deadline ? leaf.RenewAt : deadline;
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var rootsChanged = roots.Value.WaitAsync(until - now, stop.Token).AsTask();
            await Task.WhenAny(rootsChanged, replaced.WaitAsync(stop.Token)).ConfigureAwait(false);
            await stop.CancelAsync().ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    /// <summary>
    /// Due for renewal, or signed by a key other than the active root's. The second is acted on once per change of the
    /// active root, so a leader that signs with a root this server no longer sees as active cannot cause a loop.
    /// </summary>
    private bool IsStale(IssuedLeaf leaf, string rootIdAtIssue)
    {
        if (host.Clock.GetUtcNow() >= leaf.RenewAt)
        {
            return true;
        }

        var active = ActiveRoot();
        return active is not null && active.SigningKeyId != leaf.SigningKeyId && active.Id != rootIdAtIssue;
    }

    private CaRoot? ActiveRoot()
    {
        var roots = host.Fsm.Current.Ca?.Roots ?? [];
        for (var i = 0; i < roots.Count; i++)
        {
            if (roots[i].Active)
            {
                return roots[i];
            }
        }

        return null;
    }

    private async Task<IssuedLeaf> RenewAsync(LeafRequest request, LeafSlot slot, CancellationToken cancellationToken)
    {
        await slot.Lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var current = slot.Current;
            if (current is not null && !IsStale(current, slot.RootIdAtIssue))
            {
                return current; // renewed by another request while this one waited
            }

            var rootId = ActiveRoot()?.Id ?? string.Empty;
            var (signed, privateKeyPem) = await IssueAsync(request, cancellationToken).ConfigureAwait(false);
            var index = Math.Max(signed.Serial, (current?.ModifyIndex ?? 0) + 1);
            var lifetime = signed.ValidBefore - signed.ValidAfter;
            var leaf = new IssuedLeaf
            {
                SerialNumber = KeyIds.ColonHex(KeyIds.SerialBytes(signed.Serial)),
                CertPem = signed.CertificatePem + string.Concat(signed.Intermediates),
                PrivateKeyPem = privateKeyPem,
                Service = request.Service,
                ServiceUri = signed.ServiceUri,
                ValidAfter = signed.ValidAfter,
                ValidBefore = signed.ValidBefore,
                SigningKeyId = signed.SigningKeyId,
                RenewAt = signed.ValidAfter + (lifetime * (0.6 + (0.3 * Random.Shared.NextDouble()))),
                CreateIndex = current?.CreateIndex ?? index,
                ModifyIndex = index,
            };
            slot.Publish(leaf, rootId);
            return leaf;
        }
        finally
        {
            slot.Lock.Release();
        }
    }

    /// <summary>A new key and CSR, signed by the leader; retried while the leader is rate limiting or changing.</summary>
    private async Task<(SignedLeaf Signed, string PrivateKeyPem)> IssueAsync(LeafRequest request, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(IssueTimeout);
        LeafSigningException? last = null;
        try
        {
            var ca = await WaitForCaAsync(timeout.Token).ConfigureAwait(false);
            var id = SpiffeIds.Service(ca.TrustDomain, host.Datacenter, request.Service);
            using var key = keys.Take();
            for (var attempt = 0; ; attempt++)
            {
                try
                {
                    var signed = await route.SignOwnKeyAsync(id, key, request.DnsSans, timeout.Token).ConfigureAwait(false);
                    return (signed, key.PrivateKeyPem);
                }
                catch (LeafSigningException error) when (error.Kind != LeafSigningError.Invalid)
                {
                    last = error;
                    await Task.Delay(Backoff(attempt), host.Clock, timeout.Token).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new LeafSigningException(LeafSigningError.NotReady, $"no leaf certificate could be signed within {IssueTimeout.TotalSeconds:0}s" + (last is null ? string.Empty : ": " + last.Message));
        }
    }

    private async Task<CaState> WaitForCaAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var watch = host.Fsm.Watches.Capture([WatchKeys.CaRoots]);
            if (host.Fsm.Current.Ca is { } ca)
            {
                return ca;
            }

            await watch.WaitAsync(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Jittered exponential pauses from about 50ms up to 2s, so refused requesters do not retry in lockstep.</summary>
    private static TimeSpan Backoff(int attempt)
    {
        var ceiling = Math.Min(2000, 50 * Math.Pow(2, Math.Min(attempt, 6)));
        return TimeSpan.FromMilliseconds((ceiling / 2) + (Random.Shared.NextDouble() * ceiling / 2));
    }

    private sealed class LeafSlot
    {
        private TaskCompletionSource _replaced = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private IssuedLeaf? _current;

        public SemaphoreSlim Lock { get; } = new(1, 1);

        public IssuedLeaf? Current => Volatile.Read(ref _current);

        /// <summary>The active root's ID when <see cref="Current"/> was issued.</summary>
        public string RootIdAtIssue { get; private set; } = string.Empty;

        /// <summary>Completes when <see cref="Current"/> is replaced.</summary>
        public Task Replaced => Volatile.Read(ref _replaced).Task;

        public void Publish(IssuedLeaf leaf, string rootId)
        {
            RootIdAtIssue = rootId;
            Volatile.Write(ref _current, leaf);
            Interlocked.Exchange(ref _replaced, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
        }
    }
}
