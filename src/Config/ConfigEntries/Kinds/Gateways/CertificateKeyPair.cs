using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Mesh.Config.ConfigEntries;

/// <summary>
/// Consul's inline-certificate checks, with Go's messages: the key PEM parses, an RSA key has at least 2048 bits,
/// the certificate parses, the key belongs to the certificate (<c>tls.X509KeyPair</c>) and its names are DNS names.
/// </summary>
internal static class CertificateKeyPair
{
    private const int MinRsaBits = 2048;

    public static void Validate(string certificatePem, string keyPem)
    {
        if (!PemEncoding.TryFind(keyPem, out var keyFields))
        {
            throw Fail("failed to parse private key PEM");
        }

        var keyLabel = keyPem[keyFields.Label];
        if (keyLabel == "RSA PRIVATE KEY")
        {
            using var rsa = RSA.Create();
            if (!TryImport(rsa, keyPem))
            {
                throw Fail("x509: failed to parse private key");
            }

            if (rsa.KeySize < MinRsaBits)
            {
                throw Fail("key length must be at least 2048 bits");
            }
        }

        if (!PemEncoding.TryFind(certificatePem, out var certificateFields))
        {
            throw Fail("failed to parse certificate PEM");
        }

        using var certificate = Parse(Convert.FromBase64String(certificatePem[certificateFields.Base64Data]));
        CheckKeyMatches(certificate, keyPem);
        foreach (var host in Hosts(certificate).Where(host => host.Length > 0 && !DomainName.IsValid(host)))
        {
            throw Fail($"host \"{host}\" must be a valid DNS hostname");
        }
    }

    private static X509Certificate2 Parse(byte[] der)
    {
        try
        {
            return X509CertificateLoader.LoadCertificate(der);
        }
        catch (CryptographicException error)
        {
            throw Fail($"failed to parse certificate: x509: {error.Message}");
        }
    }

    private static void CheckKeyMatches(X509Certificate2 certificate, string keyPem)
    {
        using var rsaPublic = certificate.GetRSAPublicKey();
        using var ecPublic = certificate.GetECDsaPublicKey();
        using var rsa = RSA.Create();
        using var ec = ECDsa.Create();
        var isRsa = TryImport(rsa, keyPem);
        var isEc = !isRsa && TryImport(ec, keyPem);
        if (!isRsa && !isEc)
        {
            throw Fail("tls: failed to parse private key");
        }

        if (rsaPublic is not null)
        {
            if (!isRsa)
            {
                throw Fail("tls: private key type does not match public key type");
            }

            var expected = rsaPublic.ExportParameters(false);
            var actual = rsa.ExportParameters(false);
            if (!expected.Modulus.AsSpan().SequenceEqual(actual.Modulus) || !expected.Exponent.AsSpan().SequenceEqual(actual.Exponent))
            {
                throw Fail("tls: private key does not match public key");
            }

            return;
        }

        if (ecPublic is not null)
        {
            if (!isEc)
            {
                throw Fail("tls: private key type does not match public key type");
            }

            var expected = ecPublic.ExportParameters(false);
            var actual = ec.ExportParameters(false);
            if (!expected.Q.X.AsSpan().SequenceEqual(actual.Q.X) || !expected.Q.Y.AsSpan().SequenceEqual(actual.Q.Y))
            {
                throw Fail("tls: private key does not match public key");
            }

            return;
        }

        throw Fail("tls: unknown public key algorithm");
    }

    private static IEnumerable<string> Hosts(X509Certificate2 certificate)
    {
        yield return certificate.GetNameInfo(X509NameType.SimpleName, forIssuer: false);
        foreach (var extension in certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>())
        {
            foreach (var name in extension.EnumerateDnsNames())
            {
                yield return name;
            }

            foreach (var address in extension.EnumerateIPAddresses())
            {
                yield return address.ToString();
            }
        }
    }

    private static bool TryImport(AsymmetricAlgorithm algorithm, string pem)
    {
        try
        {
            algorithm.ImportFromPem(pem);
            return true;
        }
        catch (Exception error) when (error is CryptographicException or ArgumentException)
        {
            return false;
        }
    }

    private static InvalidConfigEntryException Fail(string message) => new(message);
}
