using Mesh.Config.ConfigEntries;
using Mesh.Fsm.Commands;
using Mesh.Fsm.Model;
using MessagePack;

namespace Mesh.ProxyCfg;

/// <summary>
/// Whether two snapshots would give Envoy the same configuration. Record equality is not enough: several members are
/// lists or arrays, which records compare by reference. The store index is ignored (it changes with unrelated writes).
/// </summary>
public static class SnapshotEquality
{
    public static bool Same(ConfigSnapshot? left, ConfigSnapshot? right) => Same(left, right, endpoints: true);

    /// <summary>
    /// Whether two snapshots differ at most in their upstreams' endpoint lists (the common case: an instance came,
    /// went or changed health), so only endpoint resources need regenerating.
    /// </summary>
    public static bool SameExceptEndpoints(ConfigSnapshot? left, ConfigSnapshot? right) => Same(left, right, endpoints: false);

    private static bool Same(ConfigSnapshot? left, ConfigSnapshot? right, bool endpoints)
    {
        if (ReferenceEquals(left, right))
        {
            return true;
        }

        if (left is null || right is null)
        {
            return false;
        }

        return left.Kind == right.Kind && left.ProxyId == right.ProxyId && left.Service == right.Service
               && left.Address == right.Address && left.Port == right.Port && left.Datacenter == right.Datacenter
               && left.TrustDomain == right.TrustDomain && left.IntentionDefaultAllow == right.IntentionDefaultAllow
               && left.ServiceMeta.SequenceEqual(right.ServiceMeta) && left.TaggedAddresses.SequenceEqual(right.TaggedAddresses)
               && SameLeaf(left, right) && SameRoots(left.Roots, right.Roots)
               && (ReferenceEquals(left.Proxy, right.Proxy) || Bytes(left.Proxy).AsSpan().SequenceEqual(Bytes(right.Proxy)))
               && left.Intentions.Length == right.Intentions.Length
               && left.Intentions.Zip(right.Intentions).All(p => p.First.Id == p.Second.Id && p.First.ModifyIndex == p.Second.ModifyIndex && p.First.Precedence == p.Second.Precedence)
               && SameMesh(left.Mesh, right.Mesh)
               && left.Upstreams.Length == right.Upstreams.Length
               && left.Upstreams.Zip(right.Upstreams).All(p => SameUpstream(p.First, p.Second, endpoints));
    }

    private static bool SameLeaf(ConfigSnapshot left, ConfigSnapshot right)
        => ReferenceEquals(left.Leaf, right.Leaf)
           || (left.Leaf.SerialNumber == right.Leaf.SerialNumber && left.Leaf.ModifyIndex == right.Leaf.ModifyIndex && left.Leaf.CertPem == right.Leaf.CertPem);

    private static bool SameRoots(RootsSnapshot left, RootsSnapshot right)
        => left.ActiveRootId == right.ActiveRootId && left.Roots.Length == right.Roots.Length
           && left.Roots.Zip(right.Roots).All(p => p.First.Id == p.Second.Id && p.First.Active == p.Second.Active
                                                    && p.First.RootCert == p.Second.RootCert
                                                    && p.First.IntermediateCerts.SequenceEqual(p.Second.IntermediateCerts));

    private static bool SameMesh(MeshEntry? left, MeshEntry? right)
        => ReferenceEquals(left, right)
           || (left is not null && right is not null && ConfigEntryJson.Canonical(left).Equals(ConfigEntryJson.Canonical(right)));

    private static bool SameUpstream(UpstreamSnapshot left, UpstreamSnapshot right, bool endpoints)
        => left.Id == right.Id
           && (left.Config is null ? right.Config is null : right.Config is not null && Bytes(left.Config).AsSpan().SequenceEqual(Bytes(right.Config)))
           && left.Chain.Equals(right.Chain)
           && (!endpoints || (left.Endpoints.Count == right.Endpoints.Count
           && left.Endpoints.Zip(right.Endpoints).All(p => p.First.Key == p.Second.Key && SameEndpoints(p.First.Value, p.Second.Value))));

    private static bool SameEndpoints(System.Collections.Immutable.ImmutableArray<UpstreamEndpoint> left, System.Collections.Immutable.ImmutableArray<UpstreamEndpoint> right)
        => left.Length == right.Length
           && left.Zip(right).All(p => p.First with { CheckStatuses = default } == p.Second with { CheckStatuses = default }
                                       && p.First.CheckStatuses.SequenceEqual(p.Second.CheckStatuses));

    // Registrations are immutable and a snapshot is compared more than once (when proxycfg decides whether to publish
    // it, and again when the xDS server decides what to regenerate), so each instance is encoded once.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<object, byte[]> Encoded = new();

    private static byte[] Bytes<T>(T value)
        where T : class
        => Encoded.GetValue(value, static v => MessagePackSerializer.Serialize((T)v, LogCodec.Options));
}
