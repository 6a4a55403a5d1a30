using System.Collections.Immutable;
using Envoy.Service.Discovery.V3;
using Mesh.XdsServer.Resources;

namespace Mesh.XdsServer.Delta;

/// <summary>
/// One stream's protocol state for one type URL (Consul's <c>xDSDeltaType</c>). What Envoy asked for
/// (<see cref="Wildcard"/>, <see cref="Subscriptions"/>) and what Envoy has (<see cref="Acked"/>) are kept apart: mixing
/// them silently unsubscribed Envoy when a subscription's resources were all removed (Consul #10563).
/// </summary>
internal sealed class DeltaTypeState(string typeUrl)
{
    public string TypeUrl { get; } = typeUrl;

    /// <summary>The state of the type stored inside this one (endpoints of clusters, routes of listeners).</summary>
    public DeltaTypeState? Child { get; set; }

    /// <summary>Envoy has requested this type at least once on this stream.</summary>
    public bool Registered { get; private set; }

    /// <summary>Envoy wants every resource of the type (empty first request, or <c>*</c>).</summary>
    public bool Wildcard { get; private set; }

    /// <summary>Set by the first ACK; until then a response is sent even when it carries nothing.</summary>
    public bool SentOnce { get; private set; }

    /// <summary>Names Envoy subscribed to explicitly.</summary>
    public HashSet<string> Subscriptions { get; } = new(StringComparer.Ordinal);

    /// <summary>Resources Envoy has acknowledged, with their versions; an empty version forces a resend.</summary>
    public Dictionary<string, string> Acked { get; } = new(StringComparer.Ordinal);

    /// <summary>Subscribed names Envoy acknowledged as not existing, so their absence is not reported again.</summary>
    public HashSet<string> ReportedAbsent { get; } = new(StringComparer.Ordinal);

    /// <summary>Versions Envoy rejected (NACK), not sent again until they change; a removal is <see cref="RejectedRemoval"/>.</summary>
    public Dictionary<string, string> Rejected { get; } = new(StringComparer.Ordinal);

    /// <summary>Sent and not yet acknowledged, by nonce (at most one: one outstanding response per type).</summary>
    public Dictionary<string, Dictionary<string, PendingUpdate>> Pending { get; } = new(StringComparer.Ordinal);

    public const string RejectedRemoval = "\0removal";

    public bool HasPending => Pending.Count > 0;

    public int TrackedNames => Subscriptions.Count;

    public bool IsInterested(string name) => Wildcard || Subscriptions.Contains(name);

    // Per pass kind (upsert, remove, both), the resource map a Diff last found nothing to send for. Snapshots that
    // change only endpoints reuse the other types' maps, so with 5,000 streams most Diffs are answered by one reference
    // comparison. Any change to this type's subscription/ACK state clears them.
    private readonly ImmutableSortedDictionary<string, VersionedResource>?[] _settled = new ImmutableSortedDictionary<string, VersionedResource>?[4];

    /// <summary>Applies a request's ACK/NACK and subscription changes.</summary>
    public DeltaReceived Receive(DeltaDiscoveryRequest request, VersionedResourceSet? current)
    {
        Array.Clear(_settled);
        var first = !Registered;
        if (first)
        {
            Registered = true;
            Wildcard = request.ResourceNamesSubscribe.Count == 0;
        }

        var outcome = NonceOutcome.None;
        IReadOnlyList<string> nacked = [];
        string? error = null;
        if (request.ResponseNonce.Length > 0)
        {
            if (!Pending.Remove(request.ResponseNonce, out var updates))
            {
                outcome = NonceOutcome.Stale;
            }
            else if (request.ErrorDetail is null)
            {
                outcome = NonceOutcome.Ack;
                Ack(updates);
            }
            else
            {
                outcome = NonceOutcome.Nack;
                nacked = [.. updates.Keys.Order(StringComparer.Ordinal)];
                error = request.ErrorDetail.Message;
                Nack(updates);
            }
        }

        // Subscription changes count whatever the nonce was: nonces correlate responses, they do not reject requests.
        foreach (var name in request.ResourceNamesSubscribe)
        {
            Subscribe(name, current);
        }

        foreach (var name in request.ResourceNamesUnsubscribe)
        {
            Unsubscribe(name);
        }

        // A reconnecting Envoy says what it already has, so unchanged resources are not sent again. Seeded after the
        // subscribe list, which on a first request must not mark these names for a resend.
        if (first)
        {
            foreach (var (name, version) in request.InitialResourceVersions)
            {
                Acked[name] = version;
                if (!Wildcard)
                {
                    Subscriptions.Add(name);
                }
            }
        }

        return new DeltaReceived(TypeUrl, outcome, request.ResponseNonce, nacked, error);
    }

    private void Subscribe(string name, VersionedResourceSet? current)
    {
        if (name == "*")
        {
            Wildcard = true;
            return;
        }

        if (name.Length == 0)
        {
            return;
        }

        Subscriptions.Add(name);
        ReportedAbsent.Remove(name);
        Rejected.Remove(name);

        // The client may have dropped a resource it still seems to hold: a (re-)subscribe is always answered.
        if (Acked.ContainsKey(name))
        {
            Acked[name] = string.Empty;
            if (current is not null)
            {
                ResendChildren(name, current);
            }
        }
    }

    private void Unsubscribe(string name)
    {
        if (name == "*")
        {
            Wildcard = false;
            foreach (var held in Acked.Keys.Where(held => !Subscriptions.Contains(held)).ToList())
            {
                Forget(held);
            }

            return;
        }

        if (!Subscriptions.Remove(name))
        {
            return; // a phantom unsubscribe is ignored
        }

        if (Wildcard)
        {
            // Still covered by the wildcard: say so again, as the protocol asks when a name and "*" overlap.
            if (Acked.ContainsKey(name))
            {
                Acked[name] = string.Empty;
            }

            return;
        }

        Forget(name);
    }

    /// <summary>Envoy no longer tracks the name: nothing about it is kept, so a later subscribe starts afresh.</summary>
    private void Forget(string name)
    {
        Acked.Remove(name);
        ReportedAbsent.Remove(name);
        Rejected.Remove(name);
        foreach (var pending in Pending.Values)
        {
            pending.Remove(name);
        }
    }

    private void Ack(Dictionary<string, PendingUpdate> updates)
    {
        foreach (var (name, update) in updates)
        {
            Rejected.Remove(name);
            if (update.Remove)
            {
                Acked.Remove(name);
                if (Subscriptions.Contains(name))
                {
                    ReportedAbsent.Add(name);
                }
            }
            else
            {
                Acked[name] = update.Version;
                ReportedAbsent.Remove(name);
            }
        }

        SentOnce = true;
    }

    private void Nack(Dictionary<string, PendingUpdate> updates)
    {
        foreach (var (name, update) in updates)
        {
            Rejected[name] = update.Remove ? RejectedRemoval : update.Version;
        }
    }

    /// <summary>After a parent is (re)sent, Envoy has dropped its children: mark them for a resend.</summary>
    public void ResendChildren(string parent, VersionedResourceSet current)
    {
        if (Child is null)
        {
            return;
        }

        Array.Clear(Child._settled);

        foreach (var child in current.ChildrenOf(TypeUrl, parent))
        {
            if (Child.Acked.ContainsKey(child))
            {
                Child.Acked[child] = string.Empty;
            }

            Child.Rejected.Remove(child);

            foreach (var pending in Child.Pending.Values)
            {
                pending.Remove(child);
            }
        }
    }

    /// <summary>
    /// The response this step should send, or null (Consul's <c>createDeltaResponse</c>): changed or new resources of
    /// interest when <paramref name="upsert"/>, and removed ones — resources Envoy has that are gone, and subscribed
    /// names that never existed — when <paramref name="remove"/>.
    /// </summary>
    public (DeltaDiscoveryResponse Response, Dictionary<string, PendingUpdate> Updates)? Diff(
        ImmutableSortedDictionary<string, VersionedResource> current, bool upsert, bool remove, bool allowEmpty)
    {
        var pass = (upsert ? 1 : 0) | (remove ? 2 : 0);
        if (!Registered || HasPending || ReferenceEquals(current, _settled[pass]))
        {
            return null;
        }

        var response = new DeltaDiscoveryResponse { TypeUrl = TypeUrl };
        var updates = new Dictionary<string, PendingUpdate>(StringComparer.Ordinal);
        if (upsert)
        {
            foreach (var (name, resource) in current)
            {
                if (!IsInterested(name)
                    || (Acked.TryGetValue(name, out var held) && held == resource.Version)
                    || (Rejected.TryGetValue(name, out var rejected) && rejected == resource.Version))
                {
                    continue;
                }

                response.Resources.Add(new Resource { Name = name, Version = resource.Version, Resource_ = resource.Packed });
                updates[name] = PendingUpdate.Upsert(resource.Version);
            }
        }

        if (remove)
        {
            var gone = Acked.Keys.Where(name => !current.ContainsKey(name) && IsInterested(name))
                .Concat(Subscriptions.Where(name => !current.ContainsKey(name) && !Acked.ContainsKey(name) && !ReportedAbsent.Contains(name)))
                .Where(name => !(Rejected.TryGetValue(name, out var rejected) && rejected == RejectedRemoval))
                .Distinct(StringComparer.Ordinal)
                .Order(StringComparer.Ordinal);
            foreach (var name in gone)
            {
                response.RemovedResources.Add(name);
                updates[name] = PendingUpdate.Removal;
            }
        }

        // Until Envoy acknowledges a first response it is waiting for one, even an empty one (Consul's sentToEnvoyOnce),
        // unless there is nothing of the type at all.
        if (updates.Count == 0 && (SentOnce || (current.Count == 0 && !allowEmpty)))
        {
            _settled[pass] = current;
            return null;
        }

        return (response, updates);
    }
}
