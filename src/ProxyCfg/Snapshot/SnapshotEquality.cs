using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using Mesh.Ca.Leaves;
using Mesh.Config.ConfigEntries;
using Mesh.Config.Intentions;
using Mesh.Fsm.Commands;
using Mesh.Fsm.Model;
using MessagePack;

namespace Mesh.ProxyCfg;

/// <summary>
/// Whether two snapshots would give Envoy the same configuration. Record equality is not enough: several members are
/// lists or arrays, which records compare by reference. The store index is ignored (it changes with unrelated writes).
/// One instance per server (owned by its <see cref="ProxyConfigSource"/>): it remembers the encoding of each
/// registration it compared, weakly, so that memo lives no longer than the registrations nor outside the server.
/// <see cref="Compared"/> lists, per snapshot type, every property the comparison reads or deliberately ignores; a
/// test fails when a snapshot type gains a property that is not listed there.
/// </summary>
public sealed class SnapshotEquality
{
    // Registrations are immutable and a snapshot is compared more than once (when proxycfg decides whether to publish
    // it, and again when the xDS server decides what to regenerate), so each instance is encoded once.
    private readonly ConditionalWeakTable<object, byte[]> _encoded = new();

    /// <summary>
    /// Per type reachable from <see cref="ConfigSnapshot"/> and compared member by member: the properties compared,
    /// then (after "-") those deliberately ignored. Types compared whole (<see cref="ConnectProxyConfig"/> and
    /// <see cref="Upstream"/> by their log encoding, <see cref="MeshEntry"/> by canonical JSON, the compiled chain by its
    /// own equality) are not listed.
    /// </summary>
    internal static IReadOnlyDictionary<Type, (string[] Compared, string[] Ignored)> Compared { get; } = new Dictionary<Type, (string[], string[])>
    {
        [typeof(ConfigSnapshot)] = (
            [nameof(ConfigSnapshot.Kind), nameof(ConfigSnapshot.ProxyId), nameof(ConfigSnapshot.Service), nameof(ConfigSnapshot.Address),
             nameof(ConfigSnapshot.Port), nameof(ConfigSnapshot.ServiceMeta), nameof(ConfigSnapshot.TaggedAddresses), nameof(ConfigSnapshot.Datacenter),
             nameof(ConfigSnapshot.TrustDomain), nameof(ConfigSnapshot.Proxy), nameof(ConfigSnapshot.Roots), nameof(ConfigSnapshot.Leaf),
             nameof(ConfigSnapshot.Intentions), nameof(ConfigSnapshot.IntentionDefaultAllow), nameof(ConfigSnapshot.Mesh), nameof(ConfigSnapshot.AccessLogs), nameof(ConfigSnapshot.Upstreams),
             nameof(ConfigSnapshot.IngressGateway), nameof(ConfigSnapshot.TerminatingGateway), nameof(ConfigSnapshot.MeshGateway),
             nameof(ConfigSnapshot.ApiGateway)],
            [nameof(ConfigSnapshot.StoreIndex), nameof(ConfigSnapshot.IsTransparent)]),
        [typeof(RootsSnapshot)] = ([nameof(RootsSnapshot.ActiveRootId), nameof(RootsSnapshot.Roots)], [nameof(RootsSnapshot.TrustedCaPem)]),
        [typeof(CaRoot)] = (
            [nameof(CaRoot.Id), nameof(CaRoot.Active), nameof(CaRoot.RootCert), nameof(CaRoot.IntermediateCerts)],

            // The ID is the root's fingerprint, so the certificate-derived fields follow it; the rest never reaches Envoy.
            [nameof(CaRoot.Name), nameof(CaRoot.SerialNumber), nameof(CaRoot.SigningKeyId), nameof(CaRoot.ExternalTrustDomain),
             nameof(CaRoot.NotBeforeUnixMilliseconds), nameof(CaRoot.NotAfterUnixMilliseconds), nameof(CaRoot.PrivateKey),
             nameof(CaRoot.RotatedOutAtUnixMilliseconds), nameof(CaRoot.PrivateKeyType), nameof(CaRoot.PrivateKeyBits),
             nameof(CaRoot.CreateIndex), nameof(CaRoot.ModifyIndex)]),
        [typeof(IssuedLeaf)] = (
            [nameof(IssuedLeaf.SerialNumber), nameof(IssuedLeaf.ModifyIndex), nameof(IssuedLeaf.CertPem)],

            // A new serial comes with a new key and certificate; the other fields are derived from the certificate.
            [nameof(IssuedLeaf.PrivateKeyPem), nameof(IssuedLeaf.Service), nameof(IssuedLeaf.ServiceUri), nameof(IssuedLeaf.ValidAfter),
             nameof(IssuedLeaf.ValidBefore), nameof(IssuedLeaf.SigningKeyId), nameof(IssuedLeaf.RenewAt), nameof(IssuedLeaf.CreateIndex)]),
        [typeof(IntentionView)] = (
            [nameof(IntentionView.Id), nameof(IntentionView.ModifyIndex), nameof(IntentionView.Precedence)],

            // An intention is a row of its destination's entry: any change to it moves the entry's ModifyIndex.
            [nameof(IntentionView.Description), nameof(IntentionView.SourceNs), nameof(IntentionView.SourceName), nameof(IntentionView.DestinationNs),
             nameof(IntentionView.DestinationName), nameof(IntentionView.SourcePeer), nameof(IntentionView.SourceType), nameof(IntentionView.Action),
             nameof(IntentionView.Permissions), nameof(IntentionView.Meta), nameof(IntentionView.CreateIndex), nameof(IntentionView.IsL7)]),
        [typeof(IngressGatewaySnapshot)] = ([nameof(IngressGatewaySnapshot.Tls), nameof(IngressGatewaySnapshot.Listeners), nameof(IngressGatewaySnapshot.Defaults)], []),
        [typeof(IngressListenerSnapshot)] = (
            [nameof(IngressListenerSnapshot.Port), nameof(IngressListenerSnapshot.Protocol), nameof(IngressListenerSnapshot.Tls), nameof(IngressListenerSnapshot.Services)],
            []),
        [typeof(IngressServiceSnapshot)] = (
            [nameof(IngressServiceSnapshot.Upstream), nameof(IngressServiceSnapshot.Hosts), nameof(IngressServiceSnapshot.Sds), nameof(IngressServiceSnapshot.Settings)],
            [nameof(IngressServiceSnapshot.HasSdsOverride)]),
        [typeof(TerminatingGatewaySnapshot)] = ([nameof(TerminatingGatewaySnapshot.Services)], []),
        [typeof(TerminatingServiceSnapshot)] = (
            [nameof(TerminatingServiceSnapshot.Name), nameof(TerminatingServiceSnapshot.CaFile), nameof(TerminatingServiceSnapshot.CertFile),
             nameof(TerminatingServiceSnapshot.KeyFile), nameof(TerminatingServiceSnapshot.Sni), nameof(TerminatingServiceSnapshot.AutoHostRewrite),
             nameof(TerminatingServiceSnapshot.Protocol),
             nameof(TerminatingServiceSnapshot.Resolver), nameof(TerminatingServiceSnapshot.Endpoints), nameof(TerminatingServiceSnapshot.Leaf),
             nameof(TerminatingServiceSnapshot.Intentions)],
            [nameof(TerminatingServiceSnapshot.Instances)]),
        [typeof(MeshGatewaySnapshot)] = ([nameof(MeshGatewaySnapshot.Services), nameof(MeshGatewaySnapshot.Datacenters)], []),
        [typeof(MeshGatewayServiceSnapshot)] = (
            [nameof(MeshGatewayServiceSnapshot.Name), nameof(MeshGatewayServiceSnapshot.ConnectTimeout), nameof(MeshGatewayServiceSnapshot.LoadBalancer),
             nameof(MeshGatewayServiceSnapshot.Subsets)],
            []),
        [typeof(MeshGatewaySubsetSnapshot)] = (
            [nameof(MeshGatewaySubsetSnapshot.Subset), nameof(MeshGatewaySubsetSnapshot.OnlyPassing), nameof(MeshGatewaySubsetSnapshot.Endpoints)], []),
        [typeof(RemoteGatewaysSnapshot)] = ([nameof(RemoteGatewaysSnapshot.Datacenter), nameof(RemoteGatewaysSnapshot.Gateways)], []),
        [typeof(ApiGatewaySnapshot)] = ([nameof(ApiGatewaySnapshot.Listeners)], []),
        [typeof(ApiGatewayListenerSnapshot)] = (
            [nameof(ApiGatewayListenerSnapshot.Name), nameof(ApiGatewayListenerSnapshot.Port), nameof(ApiGatewayListenerSnapshot.Protocol),
             nameof(ApiGatewayListenerSnapshot.Hostname), nameof(ApiGatewayListenerSnapshot.Tls), nameof(ApiGatewayListenerSnapshot.Certificates),
             nameof(ApiGatewayListenerSnapshot.HttpRoutes), nameof(ApiGatewayListenerSnapshot.TcpServices)],
            []),
        [typeof(InlineCertificateSnapshot)] = (
            [nameof(InlineCertificateSnapshot.Name), nameof(InlineCertificateSnapshot.Certificate), nameof(InlineCertificateSnapshot.PrivateKey)], []),
        [typeof(UpstreamSnapshot)] = ([nameof(UpstreamSnapshot.Id), nameof(UpstreamSnapshot.Config), nameof(UpstreamSnapshot.Chain), nameof(UpstreamSnapshot.Endpoints)], []),
        [typeof(UpstreamEndpoint)] = (
            [nameof(UpstreamEndpoint.Node), nameof(UpstreamEndpoint.ServiceId), nameof(UpstreamEndpoint.Address), nameof(UpstreamEndpoint.Port),
             nameof(UpstreamEndpoint.Weights), nameof(UpstreamEndpoint.CheckStatuses), nameof(UpstreamEndpoint.VirtualAddress)],
            []),
    };

    public bool Same(ConfigSnapshot? left, ConfigSnapshot? right) => Same(left, right, endpoints: true);

    /// <summary>
    /// Whether two snapshots differ at most in their upstreams' endpoint lists (the common case: an instance came,
    /// went or changed health), so only endpoint resources need regenerating.
    /// </summary>
    public bool SameExceptEndpoints(ConfigSnapshot? left, ConfigSnapshot? right) => Same(left, right, endpoints: false);

    private bool Same(ConfigSnapshot? left, ConfigSnapshot? right, bool endpoints)
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
               && Equals(left.AccessLogs, right.AccessLogs)
               && left.Upstreams.Length == right.Upstreams.Length
               && left.Upstreams.Zip(right.Upstreams).All(p => SameUpstream(p.First, p.Second, endpoints))
               && SameIngress(left.IngressGateway, right.IngressGateway)
               && SameTerminating(left.TerminatingGateway, right.TerminatingGateway)
               && SameMeshGateway(left.MeshGateway, right.MeshGateway)
               && SameApiGateway(left.ApiGateway, right.ApiGateway);
    }

    /// <summary>
    /// A terminating gateway's linked services compared whole, instances included even when only endpoints may differ:
    /// a service addressed by hostname carries its endpoint inside its cluster, so any change regenerates everything.
    /// </summary>
    private static bool SameTerminating(TerminatingGatewaySnapshot? left, TerminatingGatewaySnapshot? right)
        => ReferenceEquals(left, right)
           || (left is not null && right is not null
               && left.Services.Length == right.Services.Length
               && left.Services.Zip(right.Services).All(p => SameLinkedService(p.First, p.Second)));

    private static bool SameLinkedService(TerminatingServiceSnapshot left, TerminatingServiceSnapshot right)
        => left.Name == right.Name && left.CaFile == right.CaFile && left.CertFile == right.CertFile && left.KeyFile == right.KeyFile
           && left.Sni == right.Sni && left.AutoHostRewrite == right.AutoHostRewrite && left.Protocol == right.Protocol
           && (left.Resolver is null ? right.Resolver is null : right.Resolver is not null && ConfigEntryJson.Canonical(left.Resolver).Equals(ConfigEntryJson.Canonical(right.Resolver)))
           && (left.Leaf is null ? right.Leaf is null : right.Leaf is not null && left.Leaf.SerialNumber == right.Leaf.SerialNumber
               && left.Leaf.ModifyIndex == right.Leaf.ModifyIndex && left.Leaf.CertPem == right.Leaf.CertPem)
           && left.Intentions.Length == right.Intentions.Length
           && left.Intentions.Zip(right.Intentions).All(p => p.First.Id == p.Second.Id && p.First.ModifyIndex == p.Second.ModifyIndex && p.First.Precedence == p.Second.Precedence)
           && left.Endpoints.Count == right.Endpoints.Count
           && left.Endpoints.Zip(right.Endpoints).All(p => p.First.Key == p.Second.Key && SameEndpoints(p.First.Value, p.Second.Value));

    private static bool SameIngress(IngressGatewaySnapshot? left, IngressGatewaySnapshot? right)
        => ReferenceEquals(left, right)
           || (left is not null && right is not null
               && Canonical(left.Tls) == Canonical(right.Tls)
               && CanonicalOf(left.Defaults) == CanonicalOf(right.Defaults)
               && left.Listeners.Length == right.Listeners.Length
               && left.Listeners.Zip(right.Listeners).All(p => p.First.Port == p.Second.Port && p.First.Protocol == p.Second.Protocol
                   && Canonical(p.First.Tls) == Canonical(p.Second.Tls)
                   && p.First.Services.Length == p.Second.Services.Length
                   && p.First.Services.Zip(p.Second.Services).All(s => s.First.Upstream == s.Second.Upstream && s.First.Hosts.SequenceEqual(s.Second.Hosts)
                       && Equals(s.First.Sds, s.Second.Sds) && CanonicalOf(s.First.Settings) == CanonicalOf(s.Second.Settings))));

    /// <summary>
    /// A mesh gateway's part compared whole, endpoints included: its endpoints shape clusters too (a remote datacenter
    /// reached by hostname is a LOGICAL_DNS cluster), so any change regenerates every resource and the xDS server
    /// pushes those that differ.
    /// </summary>
    private static bool SameMeshGateway(MeshGatewaySnapshot? left, MeshGatewaySnapshot? right)
        => ReferenceEquals(left, right)
           || (left is not null && right is not null
               && left.Services.Length == right.Services.Length
               && left.Services.Zip(right.Services).All(p => p.First.Name == p.Second.Name && p.First.ConnectTimeout == p.Second.ConnectTimeout
                   && Canonical(p.First.LoadBalancer) == Canonical(p.Second.LoadBalancer)
                   && p.First.Subsets.Length == p.Second.Subsets.Length
                   && p.First.Subsets.Zip(p.Second.Subsets).All(s => s.First.Subset == s.Second.Subset && s.First.OnlyPassing == s.Second.OnlyPassing
                       && SameEndpoints(s.First.Endpoints, s.Second.Endpoints)))
               && left.Datacenters.Length == right.Datacenters.Length
               && left.Datacenters.Zip(right.Datacenters).All(p => p.First.Datacenter == p.Second.Datacenter && SameEndpoints(p.First.Gateways, p.Second.Gateways)));

    /// <summary>An api-gateway's listeners: TLS and routes compared by their canonical JSON, certificates by value.</summary>
    private static bool SameApiGateway(ApiGatewaySnapshot? left, ApiGatewaySnapshot? right)
        => ReferenceEquals(left, right)
           || (left is not null && right is not null
               && left.Listeners.Length == right.Listeners.Length
               && left.Listeners.Zip(right.Listeners).All(p => p.First.Name == p.Second.Name && p.First.Port == p.Second.Port
                   && p.First.Protocol == p.Second.Protocol && p.First.Hostname == p.Second.Hostname
                   && CanonicalOf(p.First.Tls) == CanonicalOf(p.Second.Tls)
                   && p.First.Certificates.SequenceEqual(p.Second.Certificates)
                   && p.First.HttpRoutes.Length == p.Second.HttpRoutes.Length
                   && p.First.HttpRoutes.Zip(p.Second.HttpRoutes).All(r => CanonicalOf(r.First) == CanonicalOf(r.Second))
                   && p.First.TcpServices.SequenceEqual(p.Second.TcpServices)));

    private static string CanonicalOf<T>(T? value)
        where T : class
        => value is null ? string.Empty : ConfigEntryJson.Canonical(value).Json;

    private static string Canonical(LoadBalancer? balancer) => balancer is null ? string.Empty : ConfigEntryJson.Canonical(balancer).Json;

    /// <summary>A gateway TLS block compared whole, by its canonical JSON.</summary>
    private static string Canonical(GatewayTlsConfig? tls) => tls is null ? string.Empty : ConfigEntryJson.Canonical(tls).Json;

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

    private bool SameUpstream(UpstreamSnapshot left, UpstreamSnapshot right, bool endpoints)
        => left.Id == right.Id
           && (left.Config is null ? right.Config is null : right.Config is not null && Bytes(left.Config).AsSpan().SequenceEqual(Bytes(right.Config)))
           && left.Chain.Equals(right.Chain)
           && (!endpoints || (left.Endpoints.Count == right.Endpoints.Count
           && left.Endpoints.Zip(right.Endpoints).All(p => p.First.Key == p.Second.Key && SameEndpoints(p.First.Value, p.Second.Value))));

    private static bool SameEndpoints(ImmutableArray<UpstreamEndpoint> left, ImmutableArray<UpstreamEndpoint> right)
        => left.Length == right.Length
           && left.Zip(right).All(p => p.First with { CheckStatuses = default } == p.Second with { CheckStatuses = default }
                                       && p.First.CheckStatuses.SequenceEqual(p.Second.CheckStatuses));

    private byte[] Bytes<T>(T value)
        where T : class
        => _encoded.GetValue(value, static v => MessagePackSerializer.Serialize((T)v, LogCodec.Options));
}
