using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Mesh.Agent.Cli.Tls;

/// <summary>
/// <c>mesh tls cert create -server|-client|-cli</c>: Consul's <c>consul tls cert create</c>. Signs a leaf with the agent
/// CA and writes <c>&lt;dc&gt;-&lt;role&gt;-&lt;domain&gt;-&lt;n&gt;.pem</c> and <c>...-&lt;n&gt;-key.pem</c> with the
/// first free <c>n</c> from 0, so existing files are never overwritten.
/// </summary>
public sealed class TlsCertCreateCommand : ICliCommand
{
    private const string DomainPlaceholder = "#DOMAIN#";

    private static readonly string[] Roles = ["server", "client", "cli"];

    public string Name => "tls cert create";

    public string Synopsis => "Create a new certificate signed by the agent CA";

    public async Task<int> RunAsync(IReadOnlyList<string> args, CliConsole console, CancellationToken cancellationToken)
    {
        var flags = new FlagSet(Name)
            .AddString("ca", DomainPlaceholder + "-agent-ca.pem", "Provide path to the CA")
            .AddString("key", DomainPlaceholder + "-agent-ca-key.pem", "Provide path to the CA key")
            .AddInt("days", 365, "Provide number of days the certificate is valid for from now on")
            .AddString("dc", "dc1", "Provide the datacenter; it is part of the DNS SAN and the file name")
            .AddString("domain", "consul", "Provide the domain; it is part of the DNS SAN and the file name")
            .AddBool("server", "Generate a server certificate")
            .AddBool("client", "Generate a client certificate")
            .AddBool("cli", "Generate a CLI certificate")
            .AddString("node", null, "When generating a server certificate, also add the DNS SAN <node>.server.<dc>.<domain>")
            .AddList("additional-dnsname", "Provide an additional DNS name for the Subject Alternative Names (repeatable)")
            .AddList("additional-ipaddress", "Provide an additional IP address for the Subject Alternative Names (repeatable)");
        CliArgs.NoPositional(flags.Parse(args));

        var roles = Roles.Where(flags.GetBool).ToList();
        if (roles.Count != 1)
        {
            throw new UsageException("Please provide either -server, -client, or -cli");
        }

        var role = roles[0];
        var node = flags.GetString("node");
        if (!string.IsNullOrEmpty(node) && role != "server")
        {
            throw new UsageException("-node requires -server");
        }

        var days = flags.GetInt("days");
        if (days <= 0)
        {
            throw new UsageException("-days must be a positive number of days");
        }

        var dc = flags.GetString("dc")!;
        var domain = flags.GetString("domain")!.TrimEnd('.');
        var ips = flags.GetStrings("additional-ipaddress")
            .Select(ip => IPAddress.TryParse(ip, out var parsed) ? parsed : throw new UsageException($"{ip} is not a valid IP address for -additional-ipaddress"))
            .ToList();
        var name = $"{role}.{dc}.{domain}";
        List<string> dnsNames = [name];
        if (!string.IsNullOrEmpty(node))
        {
            dnsNames.Add($"{node}.server.{dc}.{domain}");
        }

        dnsNames.Add("localhost");
        dnsNames.AddRange(flags.GetStrings("additional-dnsname"));
        List<IPAddress> ipAddresses = role == "cli" ? [.. ips] : [IPAddress.Loopback, .. ips];
        IReadOnlyList<Oid> usages = role == "cli" ? [] : [AgentCertificateAuthority.ServerAuth, AgentCertificateAuthority.ClientAuth];

        var caFile = flags.GetString("ca")!.Replace(DomainPlaceholder, domain, StringComparison.Ordinal);
        var keyFile = flags.GetString("key")!.Replace(DomainPlaceholder, domain, StringComparison.Ordinal);
        using var ca = LoadCa(caFile, keyFile);
        var (certFile, privateKeyFile) = FreeFileNames($"{dc}-{role}-{domain}");

        if (role == "server")
        {
            await console.Out.WriteLineAsync(
                "==> WARNING: Server Certificates grants authority to become a\n" +
                "    server and access all state in the cluster including root keys\n" +
                "    and all ACL tokens. Do not distribute them to production hosts\n" +
                "    that are not server nodes. Store them as securely as CA keys.").ConfigureAwait(false);
        }

        await console.Out.WriteLineAsync($"==> Using {caFile} and {keyFile}").ConfigureAwait(false);
        var (certificate, key) = AgentCertificateAuthority.CreateLeaf(ca, new LeafOptions(name, days, dnsNames, ipAddresses, usages), DateTimeOffset.UtcNow);
        using (certificate)
        using (key)
        {
            await PemFile.WriteAsync(certFile, certificate.ExportCertificatePem() + "\n", PemFile.CertificateMode, cancellationToken).ConfigureAwait(false);
            await console.Out.WriteLineAsync($"==> Saved {certFile}").ConfigureAwait(false);
            await PemFile.WriteAsync(privateKeyFile, key.ExportECPrivateKeyPem() + "\n", PemFile.PrivateKeyMode, cancellationToken).ConfigureAwait(false);
            await console.Out.WriteLineAsync($"==> Saved {privateKeyFile}").ConfigureAwait(false);
        }

        return 0;
    }

    private static X509Certificate2 LoadCa(string caFile, string keyFile)
    {
        var caPem = PemFile.ReadText(caFile, "CA file");
        var keyPem = PemFile.ReadText(keyFile, "CA key file");
        try
        {
            var ca = X509Certificate2.CreateFromPem(caPem, keyPem);
            if (ca.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault() is not { CertificateAuthority: true })
            {
                ca.Dispose();
                throw new CliException($"{caFile} is not a CA certificate");
            }

            return ca;
        }
        catch (CryptographicException error)
        {
            throw new CliException($"Error reading CA {caFile} with key {keyFile}: {error.Message}");
        }
    }

    private static (string Cert, string Key) FreeFileNames(string prefix)
    {
        for (var i = 0; i <= 10_000; i++)
        {
            var cert = $"{prefix}-{i}.pem";
            var key = $"{prefix}-{i}-key.pem";
            if (!File.Exists(cert) && !File.Exists(key))
            {
                return (cert, key);
            }
        }

        throw new CliException($"no free file name {prefix}-<n>.pem up to n = 10000");
    }
}
