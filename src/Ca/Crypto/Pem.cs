using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Mesh.Ca.Config;

namespace Mesh.Ca.Crypto;

/// <summary>PEM text as Consul writes it: one block per certificate, each ending in a newline.</summary>
public static class Pem
{
    public static string Certificate(X509Certificate2 certificate) => certificate.ExportCertificatePem() + "\n";

    public static string Certificate(byte[] der) => PemEncoding.WriteString("CERTIFICATE", der) + "\n";

    /// <summary>Reads the first certificate of a PEM text; a bad one is a configuration error naming <paramref name="what"/>.</summary>
    public static X509Certificate2 ReadCertificate(string pem, string what)
    {
        try
        {
            return X509Certificate2.CreateFromPem(pem);
        }
        catch (CryptographicException error)
        {
            throw new CaConfigException($"{what} is not a PEM-encoded certificate: {error.Message}", error);
        }
    }

    /// <summary>Every certificate in a PEM chain, in order.</summary>
    public static IReadOnlyList<X509Certificate2> ReadChain(string pem)
    {
        var collection = new X509Certificate2Collection();
        collection.ImportFromPem(pem);
        return [.. collection];
    }

    /// <summary>Splits a PEM chain into its blocks' texts.</summary>
    public static IReadOnlyList<string> SplitBlocks(string pem)
    {
        var blocks = new List<string>();
        var rest = pem.AsSpan();
        while (PemEncoding.TryFind(rest, out var fields))
        {
            blocks.Add(rest[fields.Location].ToString() + "\n");
            rest = rest[fields.Location.End.Value..];
        }

        return blocks;
    }
}
