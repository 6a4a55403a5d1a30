using System.Security.Cryptography;

namespace Mesh.Ca.Leaves;

/// <summary>
/// A new EC P-256 key pair for one leaf, with its public key and private key PEM already encoded. It belongs to exactly
/// one leaf: handed out once by <see cref="LeafKeyPool"/>, never stored anywhere but in that leaf, never written to disk.
/// </summary>
public sealed class LeafKey : IDisposable
{
    private LeafKey(ECDsa key)
    {
        Key = key;
        SubjectPublicKeyInfo = key.ExportSubjectPublicKeyInfo();
        PrivateKeyPem = key.ExportECPrivateKeyPem() + "\n";
    }

    /// <summary>The key itself, to sign a CSR with when the leader is another server.</summary>
    public ECDsa Key { get; }

    /// <summary>The DER SubjectPublicKeyInfo that goes into the certificate.</summary>
    public byte[] SubjectPublicKeyInfo { get; }

    /// <summary>SEC1 "EC PRIVATE KEY" PEM ending in a newline, as Consul returns it.</summary>
    public string PrivateKeyPem { get; }

    public static LeafKey Generate()
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        try
        {
            return new LeafKey(key);
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    public void Dispose() => Key.Dispose();
}
