using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Mesh.Ca.Config;

namespace Mesh.Ca.Crypto;

/// <summary>Private keys of the CA: EC (P-256/384/521) or RSA, generated, imported from PEM and exported as Consul does.</summary>
public static class CaKeys
{
    public static AsymmetricAlgorithm Generate(string type, int bits) => type switch
    {
        "rsa" => RSA.Create(bits),
        _ => ECDsa.Create(Curve(bits)),
    };

    /// <summary>Reads an EC (SEC1 or PKCS#8) or RSA (PKCS#1 or PKCS#8) private key.</summary>
    public static AsymmetricAlgorithm ImportPem(string pem, string what)
    {
        if (!PemEncoding.TryFind(pem, out var fields))
        {
            throw new CaConfigException($"{what} is not a PEM-encoded private key");
        }

        var label = pem.AsSpan()[fields.Label].ToString();
        if (label is "EC PRIVATE KEY" or "PRIVATE KEY")
        {
            var ec = ECDsa.Create();
            try
            {
                ec.ImportFromPem(pem);
                return ec;
            }
            catch (CryptographicException) when (label == "PRIVATE KEY")
            {
                ec.Dispose();
            }
            catch (CryptographicException error)
            {
                ec.Dispose();
                throw new CaConfigException($"{what} is not a valid EC private key: {error.Message}", error);
            }
        }

        if (label is "RSA PRIVATE KEY" or "PRIVATE KEY")
        {
            var rsa = RSA.Create();
            try
            {
                rsa.ImportFromPem(pem);
                return rsa;
            }
            catch (CryptographicException error)
            {
                rsa.Dispose();
                throw new CaConfigException($"{what} is not a valid EC or RSA private key: {error.Message}", error);
            }
        }

        throw new CaConfigException($"{what} holds a \"{label}\" PEM block, not an EC or RSA private key");
    }

    /// <summary>SEC1 "EC PRIVATE KEY" or PKCS#1 "RSA PRIVATE KEY", as Go's x509 marshals them.</summary>
    public static string ExportPem(AsymmetricAlgorithm key) => key switch
    {
        ECDsa ec => ec.ExportECPrivateKeyPem() + "\n",
        RSA rsa => rsa.ExportRSAPrivateKeyPem() + "\n",
        _ => throw new NotSupportedException($"unsupported key {key.GetType().Name}"),
    };

    public static (string Type, int Bits) Describe(AsymmetricAlgorithm key) => key switch
    {
        ECDsa ec => ("ec", ec.KeySize),
        RSA rsa => ("rsa", rsa.KeySize),
        _ => throw new NotSupportedException($"unsupported key {key.GetType().Name}"),
    };

    public static byte[] SubjectPublicKeyInfo(AsymmetricAlgorithm key) => key.ExportSubjectPublicKeyInfo();

    /// <summary>SHA-256 signatures for every key type, as Consul's <c>SigAlgoForKey</c> picks them.</summary>
    public static X509SignatureGenerator SignatureGenerator(AsymmetricAlgorithm key) => key switch
    {
        ECDsa ec => X509SignatureGenerator.CreateForECDsa(ec),
        RSA rsa => X509SignatureGenerator.CreateForRSA(rsa, RSASignaturePadding.Pkcs1),
        _ => throw new NotSupportedException($"unsupported key {key.GetType().Name}"),
    };

    public static CertificateRequest Request(X500DistinguishedName subject, AsymmetricAlgorithm key) => key switch
    {
        ECDsa ec => new CertificateRequest(subject, ec, HashAlgorithmName.SHA256),
        RSA rsa => new CertificateRequest(subject, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
        _ => throw new NotSupportedException($"unsupported key {key.GetType().Name}"),
    };

    private static ECCurve Curve(int bits) => bits switch
    {
        384 => ECCurve.NamedCurves.nistP384,
        521 => ECCurve.NamedCurves.nistP521,
        _ => ECCurve.NamedCurves.nistP256,
    };
}
