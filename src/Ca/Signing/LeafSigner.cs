using System.Security.Cryptography.X509Certificates;
using Mesh.Ca.Config;
using Mesh.Ca.Crypto;
using Mesh.Fsm.Model;

namespace Mesh.Ca.Signing;

/// <summary>
/// The leader's side of leaf signing (<c>CAManager.AuthorizeAndSignCertificate</c> + <c>SignCertificate</c>): checks the
/// CSR's SPIFFE ID against this CA's trust domain and datacenter, applies the CSR rate limits, takes a serial from
/// the reserved block and signs with the active root, valid from a minute ago for LeafCertTTL.
/// </summary>
public sealed class LeafSigner : IDisposable
{
    private readonly ICaHost _host;
    private readonly SerialBlock _serials;
    private readonly CsrLimiter _limiter;
    private readonly object _gate = new();
    private (string Json, CaProviderConfig Config) _config = (string.Empty, CaProviderConfig.Default);
    private RootSigningKey? _root;

    public LeafSigner(ICaHost host)
    {
        _host = host;
        _serials = new SerialBlock(host.ProposeAsync);
        _limiter = new CsrLimiter(host.Clock);
        _signTime = Meter.CreateHistogram<double>("consul.connect.ca.leaf_sign", "ms", "Time to sign a leaf certificate on the leader");
    }

    /// <summary>This signer's instruments (<c>consul.connect.ca.leaf_sign</c>: time to sign each leaf on the leader).</summary>
    public System.Diagnostics.Metrics.Meter Meter { get; } = new("Mesh.Ca");

    private readonly System.Diagnostics.Metrics.Histogram<double> _signTime;

    public async ValueTask<SignedLeaf> SignAsync(byte[] csrDer, CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var signed = await SignUnmeasuredAsync(csrDer, null, default, [], cancellationToken).ConfigureAwait(false);
        _signTime.Record(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return signed;
    }

    /// <summary>
    /// Signs a public key that this server generated for one of its own services (the leaf cache on the leader). The
    /// URI is built here from the CA's trust domain and this datacenter, so it is authorized by construction, and the
    /// key never left the process: there is no CSR to parse or verify. Limits, serials and validity are as for a CSR.
    /// </summary>
    public ValueTask<SignedLeaf> SignServiceKeyAsync(string service, ReadOnlyMemory<byte> subjectPublicKeyInfo, CancellationToken cancellationToken)
        => SignServiceKeyAsync(service, subjectPublicKeyInfo, [], cancellationToken);

    /// <summary>As <see cref="SignServiceKeyAsync(string, ReadOnlyMemory{byte}, CancellationToken)"/>, the leaf also naming <paramref name="dnsNames"/> (a gateway's).</summary>
    public async ValueTask<SignedLeaf> SignServiceKeyAsync(string service, ReadOnlyMemory<byte> subjectPublicKeyInfo, IReadOnlyList<string> dnsNames, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(service);
        ArgumentNullException.ThrowIfNull(dnsNames);
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var signed = await SignUnmeasuredAsync(null, service, subjectPublicKeyInfo, dnsNames, cancellationToken).ConfigureAwait(false);
        _signTime.Record(System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return signed;
    }

    /// <summary>
    /// Either <paramref name="csrDer"/> (from anywhere: fully checked; its DNS SANs are signed as asked, as Consul's
    /// provider does) or a service, the public key its leaf is for and its DNS names.
    /// </summary>
    private async ValueTask<SignedLeaf> SignUnmeasuredAsync(
        byte[]? csrDer, string? service, ReadOnlyMemory<byte> subjectPublicKeyInfo, IReadOnlyList<string> dnsNames, CancellationToken cancellationToken)
    {
        if (!_host.IsLeader)
        {
            throw new LeafSigningException(LeafSigningError.NotLeader, "this server is not the leader");
        }

        var ca = _host.Fsm.Current.Ca ?? throw new LeafSigningException(LeafSigningError.NotReady, "CA is uninitialized: no root has been generated yet");
        var config = ConfigOf(ca);
        if (!_limiter.TryEnter(config.CsrMaxPerSecond, config.CsrMaxConcurrent))
        {
            throw LeafSigningException.RateLimited();
        }

        try
        {
            CertificateRequest? csr = null;
            string uri;
            if (csrDer is not null)
            {
                var request = LeafCertificates.ReadSigningRequest(csrDer);
                (csr, uri, dnsNames) = (request.Request, request.Uri, request.DnsNames);
                Authorize(uri, ca.TrustDomain);
            }
            else
            {
                uri = SpiffeIds.Service(ca.TrustDomain, _host.Datacenter, service!).Uri;
            }

            var root = RootOf(ca);
            var now = _host.Clock.GetUtcNow();
            if (root.NotAfter <= now.UtcDateTime)
            {
                throw new LeafSigningException(LeafSigningError.NotReady, $"the active root certificate expired at {root.NotAfter:u}");
            }

            var serial = await _serials.NextAsync(cancellationToken).ConfigureAwait(false);
            var notBefore = RootCertificates.TruncateToSeconds(now - TimeSpan.FromMinutes(1));
            var notAfter = notBefore + config.LeafCertTtl;
            var leaf = csr is null
                ? LeafCertificates.SignPublicKey(subjectPublicKeyInfo.Span, uri, dnsNames, root, serial, notBefore, notAfter)
                : LeafCertificates.Sign(csr, uri, dnsNames, root, serial, notBefore, notAfter);
            return new SignedLeaf
            {
                CertificatePem = Pem.Certificate(leaf),
                Intermediates = root.Root.IntermediateCerts,
                Serial = serial,
                ValidAfter = notBefore,
                ValidBefore = notAfter,
                SigningKeyId = root.Root.SigningKeyId,
                ServiceUri = uri,
            };
        }
        finally
        {
            _limiter.Exit();
        }
    }

    /// <summary>Only service IDs of this trust domain and datacenter are signed (Consul's <c>CanSign</c> and DC check).</summary>
    private void Authorize(string uri, string trustDomain)
    {
        if (!SpiffeIds.TryParseService(uri, out var id) || id is null)
        {
            throw new LeafSigningException(LeafSigningError.Invalid, $"the CSR's URI SAN \"{uri}\" is not a service SPIFFE ID (spiffe://<trust domain>/ns/<ns>/dc/<dc>/svc/<service>)");
        }

        if (!string.Equals(id.TrustDomain, trustDomain, StringComparison.OrdinalIgnoreCase))
        {
            throw new LeafSigningException(LeafSigningError.Invalid, $"SPIFFE ID in CSR from a different trust domain: {uri} (this CA signs for {trustDomain})");
        }

        if (!string.Equals(id.Datacenter, _host.Datacenter, StringComparison.OrdinalIgnoreCase))
        {
            throw new LeafSigningException(LeafSigningError.Invalid, $"SPIFFE ID in CSR from a different datacenter: {id.Datacenter}, this server is in {_host.Datacenter}");
        }

        if (id.Namespace != "default" || (id.Partition.Length > 0 && id.Partition != "default"))
        {
            throw new LeafSigningException(LeafSigningError.Invalid, $"SPIFFE ID in CSR names namespace \"{id.Namespace}\"; only \"default\" exists here");
        }
    }

    private CaProviderConfig ConfigOf(CaState ca)
    {
        lock (_gate)
        {
            if (_config.Json != ca.Configuration.Config.Json)
            {
                _config = (ca.Configuration.Config.Json, CaConfigParser.ParseStored(ca.Configuration));
            }

            return _config.Config;
        }
    }

    private RootSigningKey RootOf(CaState ca)
    {
        var active = ActiveRoot(ca);
        var current = Volatile.Read(ref _root);
        if (current is not null && IsFor(current, active))
        {
            return current; // the usual case: no lock, the root's key objects stay loaded
        }

        lock (_gate)
        {
            if (_root is null || !IsFor(_root, active))
            {
                // The previous key object may still be signing on another thread; it is left to the collector.
                Volatile.Write(ref _root, new RootSigningKey(active));
            }

            return _root!;
        }
    }

    private static bool IsFor(RootSigningKey key, CaRoot root) => key.Root.Id == root.Id && key.Root.ModifyIndex == root.ModifyIndex;

    /// <summary>The one active root (as <c>Single</c> would find it, without the enumerator).</summary>
    private static CaRoot ActiveRoot(CaState ca)
    {
        CaRoot? active = null;
        var roots = ca.Roots;
        for (var i = 0; i < roots.Count; i++)
        {
            var root = roots[i];
            if (root.Active)
            {
                active = active is null ? root : throw new InvalidOperationException("more than one active CA root");
            }
        }

        return active ?? throw new InvalidOperationException("no active CA root");
    }

    public void Dispose()
    {
        _serials.Dispose();
        Meter.Dispose();
        lock (_gate)
        {
            _root?.Dispose();
            _root = null;
        }
    }
}
