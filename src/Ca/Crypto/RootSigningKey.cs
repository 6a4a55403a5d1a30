using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Mesh.Fsm.Model;

namespace Mesh.Ca.Crypto;

/// <summary>
/// A root's certificate and private key, ready to sign. Key objects are pooled rather than shared: .NET does not
/// promise that one key instance may sign on several threads at once.
/// </summary>
public sealed class RootSigningKey : IDisposable
{
    private readonly ConcurrentBag<AsymmetricAlgorithm> _keys = [];

    public RootSigningKey(CaRoot root)
    {
        Root = root;
        Certificate = X509Certificate2.CreateFromPem(root.RootCert);
        KeyId = KeyIds.FromColonHex(root.SigningKeyId);
        NotAfter = Certificate.NotAfter.ToUniversalTime();
        var key = CaKeys.ImportPem(Root.PrivateKey, "the root's private key");
        Template = new LeafTemplate(Certificate.SubjectName, KeyId, CaKeys.SignatureGenerator(key).GetSignatureAlgorithmIdentifier(HashAlgorithmName.SHA256));
        _keys.Add(key);
    }

    public CaRoot Root { get; }

    public X509Certificate2 Certificate { get; }

    /// <summary>The root's SubjectKeyIdentifier, which its children carry as AuthorityKeyIdentifier.</summary>
    public byte[] KeyId { get; }

    /// <summary>When the root certificate expires (UTC), read once: leaves are not signed past it.</summary>
    public DateTime NotAfter { get; }

    /// <summary>The encoded constant parts of the leaves this root signs.</summary>
    public LeafTemplate Template { get; }

    /// <summary>A SHA-256 signature over <paramref name="data"/> in X.509's encoding (DER ECDSA-Sig-Value, or PKCS#1 v1.5).</summary>
    public byte[] SignData(ReadOnlySpan<byte> data)
    {
        var key = Take();
        try
        {
            return key switch
            {
                ECDsa ec => ec.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence),
                RSA rsa => rsa.SignData(data, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
                _ => throw new NotSupportedException($"unsupported key {key.GetType().Name}"),
            };
        }
        finally
        {
            _keys.Add(key);
        }
    }

    public T Sign<T>(Func<X509SignatureGenerator, T> sign)
    {
        var key = Take();
        try
        {
            return sign(CaKeys.SignatureGenerator(key));
        }
        finally
        {
            _keys.Add(key);
        }
    }

    /// <summary>A key object no other thread is using: pooled, or imported once more when all are busy.</summary>
    private AsymmetricAlgorithm Take()
        => _keys.TryTake(out var key) ? key : CaKeys.ImportPem(Root.PrivateKey, "the root's private key");

    public void Dispose()
    {
        Certificate.Dispose();
        while (_keys.TryTake(out var key))
        {
            key.Dispose();
        }
    }
}
