using System.Security.Cryptography.X509Certificates;

namespace Mesh.Agent.Cli.Tls;

/// <summary>
/// <c>mesh tls ca create</c>: Consul's <c>consul tls ca create</c>. Writes <c>&lt;domain&gt;-agent-ca.pem</c> and
/// <c>&lt;domain&gt;-agent-ca-key.pem</c> in the working directory, refusing to overwrite them.
/// </summary>
public sealed class TlsCaCreateCommand : ICliCommand
{
    public string Name => "tls ca create";

    public string Synopsis => "Create a new agent certificate authority";

    public async Task<int> RunAsync(IReadOnlyList<string> args, CliConsole console, CancellationToken cancellationToken)
    {
        var flags = new FlagSet(Name)
            .AddInt("days", 1825, "Provide number of days the CA is valid for from now on")
            .AddString("domain", "consul", "Domain of the agents (the file names and name constraints use it)")
            .AddBool("name-constraint", "Add name constraints for the CA: the domain, localhost and -additional-name-constraint")
            .AddList("additional-name-constraint", "Add name constraints for the CA (repeatable); implies -name-constraint")
            .AddString("common-name", null, "Common name of the CA (default: \"Mesh Agent CA <serial>\")");
        CliArgs.NoPositional(flags.Parse(args));
        var days = flags.GetInt("days");
        if (days <= 0)
        {
            throw new UsageException("-days must be a positive number of days");
        }

        var domain = flags.GetString("domain")!.TrimEnd('.');
        var extra = flags.GetStrings("additional-name-constraint");
        IReadOnlyList<string> constraints = flags.GetBool("name-constraint") || extra.Count > 0 ? [domain, "localhost", .. extra] : [];
        var certFile = $"{domain}-agent-ca.pem";
        var keyFile = $"{domain}-agent-ca-key.pem";
        foreach (var file in new[] { certFile, keyFile })
        {
            if (File.Exists(file))
            {
                throw new CliException($"{file} already exists.");
            }
        }

        var commonName = flags.GetString("common-name") ?? $"Mesh Agent CA {System.Security.Cryptography.RandomNumberGenerator.GetInt32(int.MaxValue)}";
        using var ca = AgentCertificateAuthority.CreateCa(new CaOptions(commonName, days, constraints), DateTimeOffset.UtcNow);
        using var key = ca.GetECDsaPrivateKey()!;
        await PemFile.WriteAsync(certFile, ca.ExportCertificatePem() + "\n", PemFile.CertificateMode, cancellationToken).ConfigureAwait(false);
        await console.Out.WriteLineAsync($"==> Saved {certFile}").ConfigureAwait(false);
        await PemFile.WriteAsync(keyFile, key.ExportECPrivateKeyPem() + "\n", PemFile.PrivateKeyMode, cancellationToken).ConfigureAwait(false);
        await console.Out.WriteLineAsync($"==> Saved {keyFile}").ConfigureAwait(false);
        return 0;
    }
}
