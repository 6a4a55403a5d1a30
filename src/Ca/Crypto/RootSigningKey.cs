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
    }

    public CaRoot Root { get; }

    public X509Certificate2 Certificate { get; }

    /// <summary>The root's SubjectKeyIdentifier, which its children carry as AuthorityKeyIdentifier.</summary>
    public byte[] KeyId { get; }

    public T Sign<T>(Func<X509SignatureGenerator, T> sign)
    {
        if (!_keys.TryTake(out var key))
        {
            key = CaKeys.ImportPem(Root.PrivateKey, "the root's private key");
        }

        try
        {
            return sign(CaKeys.SignatureGenerator(key));
        }
        finally
        {
            _keys.Add(key);
        }
    }

    public void Dispose()
    {
        Certificate.Dispose();
        while (_keys.TryTake(out var key))
        {
            key.Dispose();
        }
    }
}
