using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Mesh.Agent.Cli;

/// <summary>
/// Verifies the HTTPS API's certificate as Go's <c>crypto/tls</c> does with Consul's client settings: with a CA
/// file/path only those CAs are trusted (not the system store), the name checked is <c>-tls-server-name</c> when given,
/// otherwise the dialled host. Why a failure happened is kept, because .NET's own exception only says the certificate
/// was rejected.
/// </summary>
public sealed class ServerCertificateVerifier
{
    private readonly X509Certificate2Collection? _roots;
    private readonly string? _serverName;
    private readonly bool _skip;

    public ServerCertificateVerifier(ClientTlsSettings settings)
    {
        _serverName = settings.ServerName;
        _skip = settings.InsecureSkipVerify;
        if (!string.IsNullOrEmpty(settings.CaFile) || !string.IsNullOrEmpty(settings.CaPath))
        {
            _roots = [];
            if (!string.IsNullOrEmpty(settings.CaFile))
            {
                _roots.AddRange(LoadCaFile(settings.CaFile));
            }

            if (!string.IsNullOrEmpty(settings.CaPath))
            {
                _roots.AddRange(LoadCaPath(settings.CaPath));
            }
        }
    }

    /// <summary>Why the last certificate was refused, or null.</summary>
    public string? LastFailure { get; private set; }

    public bool Verify(string dialledHost, X509Certificate? certificate, X509Chain? presented, SslPolicyErrors errors)
    {
        if (_skip)
        {
            return true;
        }

        if (certificate is null)
        {
            return Fail("the server sent no certificate");
        }

        var leaf = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        if (_roots is null)
        {
            if ((errors & ~SslPolicyErrors.RemoteCertificateNameMismatch) != SslPolicyErrors.None)
            {
                return Fail($"x509: certificate signed by unknown authority or otherwise invalid ({errors}); give the CA with -ca-file or CONSUL_CACERT");
            }
        }
        else
        {
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(_roots);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            if (presented is not null)
            {
                foreach (var element in presented.ChainElements)
                {
                    chain.ChainPolicy.ExtraStore.Add(element.Certificate);
                }
            }

            if (!chain.Build(leaf))
            {
                var status = string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0).Distinct());
                return Fail($"x509: certificate signed by unknown authority: the server's certificate \"{leaf.Subject}\" does not chain to the given CA ({status})");
            }
        }

        var name = _serverName ?? dialledHost;
        return leaf.MatchesHostname(name, allowWildcards: true, allowCommonName: false)
            ? true
            : Fail($"x509: certificate is not valid for \"{name}\" (set -tls-server-name or CONSUL_TLS_SERVER_NAME to a name in its SANs, e.g. server.<dc>.<domain>)");
    }

    private bool Fail(string reason)
    {
        LastFailure = reason;
        return false;
    }

    private static X509Certificate2Collection LoadCaFile(string path)
    {
        var pem = PemText(path, "CA file");
        var certificates = ParsePem(pem);
        return certificates.Count > 0
            ? certificates
            : throw new CliException($"Error loading CA file {path}: no PEM certificate in it");
    }

    /// <summary>Every file in the directory must hold PEM certificates (Go's <c>rootcerts.LoadCAPath</c>).</summary>
    private static X509Certificate2Collection LoadCaPath(string path)
    {
        if (!Directory.Exists(path))
        {
            throw new CliException($"Error loading CA path {path}: no such directory");
        }

        var all = new X509Certificate2Collection();
        foreach (var file in Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var certificates = ParsePem(PemText(file, "CA file"));
            if (certificates.Count == 0)
            {
                throw new CliException($"Error loading CA path: couldn't parse PEM in: {file}");
            }

            all.AddRange(certificates);
        }

        return all.Count > 0 ? all : throw new CliException($"Error loading CA path {path}: no certificate in it");
    }

    private static X509Certificate2Collection ParsePem(string pem)
    {
        var certificates = new X509Certificate2Collection();
        try
        {
            certificates.ImportFromPem(pem);
        }
        catch (CryptographicException)
        {
            return [];
        }

        return certificates;
    }

    private static string PemText(string path, string what)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"Error loading {what} {path}: {error.Message}");
        }
    }

    /// <summary>Loads the client certificate and its key; a key that does not match the certificate is an error.</summary>
    public static X509Certificate2 LoadClientCertificate(string certFile, string keyFile)
    {
        var certificatePem = PemText(certFile, "client certificate");
        var keyPem = PemText(keyFile, "client key");
        try
        {
            using var ephemeral = X509Certificate2.CreateFromPem(certificatePem, keyPem);
            // SslStream on some platforms cannot use an ephemeral key; a PKCS#12 round trip makes it a persisted one.
            return X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pkcs12), null);
        }
        catch (CryptographicException error)
        {
            throw new CliException($"Error loading client certificate {certFile} with key {keyFile}: {error.Message}");
        }
    }
}
