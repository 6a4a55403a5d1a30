using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Mesh.Agent.Tls;

/// <summary>
/// Reads and checks an interface's PEM files: each file must exist and be readable, the certificate and key must parse
/// and belong together, the certificate must be within its validity period, and every CA file must hold at least one
/// certificate and nothing unparseable. Every failure names the key, the file and the problem.
/// </summary>
public static class TlsMaterialLoader
{
    public static TlsMaterial Load(TlsSettings settings, DateTimeOffset now)
    {
        var name = settings.Interface;
        if ((settings.CertFile is null) != (settings.KeyFile is null))
        {
            throw new TlsConfigException($"tls.{name}: cert_file and key_file must be set together");
        }

        var authorities = new X509Certificate2Collection();
        if (settings.CaFile is { } caFile)
        {
            authorities.AddRange(ReadAuthorities(caFile, $"tls.{name}.ca_file"));
        }

        if (settings.CaPath is { } caPath)
        {
            if (!Directory.Exists(caPath))
            {
                throw new TlsConfigException($"tls.{name}.ca_path: folder {caPath} does not exist");
            }

            foreach (var file in Directory.EnumerateFiles(caPath).Order(StringComparer.Ordinal))
            {
                authorities.AddRange(ReadAuthorities(file, $"tls.{name}.ca_path"));
            }

            if (authorities.Count == 0)
            {
                throw new TlsConfigException($"tls.{name}.ca_path: folder {caPath} holds no CA certificates");
            }
        }

        if (settings.CertFile is not { } certFile || settings.KeyFile is not { } keyFile)
        {
            return new TlsMaterial { Authorities = authorities };
        }

        var chain = ReadCertificates(certFile, $"tls.{name}.cert_file");
        var leaf = chain[0];
        if (leaf.NotAfter.ToUniversalTime() < now.UtcDateTime)
        {
            throw new TlsConfigException($"tls.{name}.cert_file: certificate in {certFile} ({leaf.Subject}) expired on {leaf.NotAfter.ToUniversalTime():yyyy-MM-ddTHH:mm:ssZ}");
        }

        if (leaf.NotBefore.ToUniversalTime() > now.UtcDateTime)
        {
            throw new TlsConfigException($"tls.{name}.cert_file: certificate in {certFile} ({leaf.Subject}) is not valid until {leaf.NotBefore.ToUniversalTime():yyyy-MM-ddTHH:mm:ssZ}");
        }

        var withKey = AttachKey(leaf, keyFile, certFile, name);
        var intermediates = new X509Certificate2Collection();
        for (var i = 1; i < chain.Count; i++)
        {
            intermediates.Add(chain[i]);
        }

        return new TlsMaterial
        {
            Certificate = withKey,
            CertificateContext = SslStreamCertificateContext.Create(withKey, intermediates, offline: true),
            Authorities = authorities,
        };
    }

    private static X509Certificate2 AttachKey(X509Certificate2 leaf, string keyFile, string certFile, string name)
    {
        var keyPem = ReadText(keyFile, $"tls.{name}.key_file");
        try
        {
            using var rsa = leaf.GetRSAPublicKey();
            if (rsa is not null)
            {
                using var key = RSA.Create();
                key.ImportFromPem(keyPem);
                return leaf.CopyWithPrivateKey(key);
            }

            using var ecdsa = leaf.GetECDsaPublicKey();
            if (ecdsa is not null)
            {
                using var key = ECDsa.Create();
                key.ImportFromPem(keyPem);
                return leaf.CopyWithPrivateKey(key);
            }
        }
        catch (ArgumentException error) when (error.Message.Contains("PEM", StringComparison.OrdinalIgnoreCase) || error.Message.Contains("key", StringComparison.OrdinalIgnoreCase))
        {
            throw new TlsConfigException(
                error.Message.Contains("does not match", StringComparison.OrdinalIgnoreCase)
                    ? $"tls.{name}.key_file: the key in {keyFile} does not match the certificate in {certFile}"
                    : $"tls.{name}.key_file: {keyFile} holds no usable private key of the certificate's type ({error.Message})",
                error);
        }
        catch (CryptographicException error)
        {
            throw new TlsConfigException($"tls.{name}.key_file: {keyFile} holds no usable private key of the certificate's type ({error.Message})", error);
        }

        throw new TlsConfigException($"tls.{name}.cert_file: the certificate in {certFile} has a key type other than RSA or ECDSA");
    }

    private static X509Certificate2Collection ReadAuthorities(string file, string key)
    {
        var certificates = ReadCertificates(file, key);
        return certificates;
    }

    private static X509Certificate2Collection ReadCertificates(string file, string key)
    {
        var text = ReadText(file, key);
        var certificates = new X509Certificate2Collection();
        try
        {
            certificates.ImportFromPem(text);
        }
        catch (CryptographicException error)
        {
            throw new TlsConfigException($"{key}: {file} holds a PEM block that is not a valid certificate ({error.Message})", error);
        }

        if (certificates.Count == 0)
        {
            throw new TlsConfigException($"{key}: {file} holds no PEM certificate (expected -----BEGIN CERTIFICATE-----)");
        }

        return certificates;
    }

    private static string ReadText(string file, string key)
    {
        try
        {
            return File.ReadAllText(file);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            var problem = error is FileNotFoundException or DirectoryNotFoundException ? "does not exist" : $"cannot be read ({error.Message})";
            throw new TlsConfigException($"{key}: file {file} {problem}", error);
        }
    }
}
