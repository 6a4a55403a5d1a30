using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Mesh.Ca.Config;
using Mesh.Ca.Crypto;
using Mesh.Ca.Leaves;

namespace Mesh.Benchmarks;

/// <summary>
/// Issue 18 item 5: where the CPU of one new leaf goes, step by step, and the signer's two paths. "CSR path" is what a
/// CSR from outside costs the leader (parse, verify its self-signature, sign, PEM) and what every leaf used to cost
/// in full (plus key generation and the CSR itself); "own key" is the leaf cache's path on the leader now (a key from
/// the pool, its public key signed from the root's template). The <c>x16</c> cases run 16 callers at once.
/// </summary>
[MemoryDiagnoser]
public class LeafSigningBenchmarks : IDisposable
{
    private const int Callers = 16;
    private const int PerCaller = 25;

    private static readonly string[] GatewayNames = ["*.ingress.consul.", "*.ingress.dc1.consul.", "api.example.com", "www.example.com"];

    private readonly string _uri = "spiffe://11111111-2222-3333-4444-555555555555.consul/ns/default/dc/dc1/svc/web";
    private RootSigningKey? _root;
    private ECDsa? _key;
    private byte[] _csr = [];
    private byte[] _publicKey = [];
    private byte[] _leaf = [];
    private long _serial;

    private RootSigningKey Root => _root!;

    [GlobalSetup]
    public void Setup()
    {
        var root = RootCertificates.Create(CaProviderConfig.Default, "11111111-2222-3333-4444-555555555555", "11111111-2222-3333-4444-555555555555.consul", DateTimeOffset.UtcNow);
        _root = new RootSigningKey(root);
        _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        _csr = LeafCertificates.CreateSigningRequest(_key, _uri);
        _publicKey = _key.ExportSubjectPublicKeyInfo();
        _leaf = LeafCertificates.SignPublicKey(_publicKey, _uri, Root, 1, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(3));
    }

    [GlobalCleanup]
    public void Cleanup() => Dispose();

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            _root?.Dispose();
            _key?.Dispose();
        }
    }

    [Benchmark(Description = "step: generate P-256 key")]
    public int GenerateKey()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return key.KeySize;
    }

    [Benchmark(Description = "step: generate key + export public key and private PEM (LeafKey)")]
    public int GenerateLeafKey()
    {
        using var key = LeafKey.Generate();
        return key.PrivateKeyPem.Length;
    }

    [Benchmark(Description = "step: create CSR")]
    public int CreateCsr() => LeafCertificates.CreateSigningRequest(_key!, _uri).Length;

    [Benchmark(Description = "step: read + verify CSR")]
    public int ReadCsr() => LeafCertificates.ReadSigningRequest(_csr).Uri.Length;

    [Benchmark(Description = "step: sign from parsed CSR (general DER path)")]
    public int SignGeneral()
    {
        var (csr, uri) = LeafCertificates.ReadSigningRequest(_csr);
        return LeafCertificates.Sign(csr, uri, Root, ++_serial, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(3)).Length;
    }

    [Benchmark(Description = "step: sign public key (template DER path)")]
    public int SignTemplate() => LeafCertificates.SignPublicKey(_publicKey, _uri, Root, ++_serial, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(3)).Length;

    [Benchmark(Description = "step: sign public key with an ingress gateway's 4 DNS SANs (template DER path)")]
    public int SignTemplateWithDnsSans() => LeafCertificates.SignPublicKey(_publicKey, _uri, GatewayNames, Root, ++_serial, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(3)).Length;

    [Benchmark(Description = "step: ECDSA signature alone (root key)")]
    public int SignatureAlone() => Root.SignData(_publicKey).Length;

    [Benchmark(Description = "step: PEM-encode the leaf")]
    public int PemEncode() => Pem.Certificate(_leaf).Length;

    [Benchmark(Baseline = true, Description = "leaf before: key + CSR + read/verify + sign + PEMs")]
    public int LeafBefore()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var (csr, uri) = LeafCertificates.ReadSigningRequest(LeafCertificates.CreateSigningRequest(key, _uri));
        var der = LeafCertificates.Sign(csr, uri, Root, Interlocked.Increment(ref _serial), DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(3));
        return Pem.Certificate(der).Length + (key.ExportECPrivateKeyPem() + "\n").Length;
    }

    [Benchmark(Description = "leaf now: key + sign public key + PEMs")]
    public int LeafNow()
    {
        using var key = LeafKey.Generate();
        var der = LeafCertificates.SignPublicKey(key.SubjectPublicKeyInfo, _uri, Root, Interlocked.Increment(ref _serial), DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(3));
        return Pem.Certificate(der).Length + key.PrivateKeyPem.Length;
    }

    [Benchmark(OperationsPerInvoke = Callers * PerCaller, Description = "signer x16: CSR path (read/verify + sign + PEM)")]
    public void SignerCsrPath16() => Parallel.For(0, Callers, new ParallelOptions { MaxDegreeOfParallelism = Callers }, caller =>
    {
        for (var i = 0; i < PerCaller; i++)
        {
            var (csr, uri) = LeafCertificates.ReadSigningRequest(_csr);
            _ = Pem.Certificate(LeafCertificates.Sign(csr, uri, Root, Interlocked.Increment(ref _serial), DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(3)));
        }
    });

    [Benchmark(OperationsPerInvoke = Callers * PerCaller, Description = "signer x16: own-key path (sign public key + PEM)")]
    public void SignerOwnKeyPath16() => Parallel.For(0, Callers, new ParallelOptions { MaxDegreeOfParallelism = Callers }, caller =>
    {
        for (var i = 0; i < PerCaller; i++)
        {
            _ = Pem.Certificate(LeafCertificates.SignPublicKey(_publicKey, _uri, Root, Interlocked.Increment(ref _serial), DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(3)));
        }
    });
}
