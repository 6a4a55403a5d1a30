using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Mesh.Agent.Cli;

/// <summary>
/// The CA PEM <c>connect envoy</c> inlines into the bootstrap for a TLS xDS address: the CA file, or every file of the
/// CA directory in name order, concatenated as Consul does. Each file must hold at least one PEM certificate, so a
/// wrong path or a garbage file fails here with its name rather than later inside Envoy.
/// </summary>
public static class GrpcCaBundle
{
    public static string Read(string? caFile, string? caPath)
    {
        var files = new List<string>();
        if (!string.IsNullOrEmpty(caFile))
        {
            files.Add(caFile);
        }
        else if (!string.IsNullOrEmpty(caPath))
        {
            if (!Directory.Exists(caPath))
            {
                throw new CliException($"Error loading gRPC CA path {caPath}: no such directory");
            }

            files.AddRange(Directory.EnumerateFiles(caPath).Order(StringComparer.Ordinal));
        }

        var bundle = new StringBuilder();
        foreach (var file in files)
        {
            string pem;
            try
            {
                pem = File.ReadAllText(file);
            }
            catch (Exception error) when (error is IOException or UnauthorizedAccessException)
            {
                throw new CliException($"Error loading gRPC CA file {file}: {error.Message}");
            }

            if (!HasCertificate(pem))
            {
                throw new CliException($"Error loading gRPC CA file {file}: no PEM certificate in it");
            }

            bundle.Append(pem);
            if (!pem.EndsWith('\n'))
            {
                bundle.Append('\n');
            }
        }

        return bundle.ToString();
    }

    private static bool HasCertificate(string pem)
    {
        var certificates = new X509Certificate2Collection();
        try
        {
            certificates.ImportFromPem(pem);
        }
        catch (CryptographicException)
        {
            return false;
        }

        return certificates.Count > 0;
    }
}
