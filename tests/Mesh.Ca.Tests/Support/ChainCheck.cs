using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;
using Mesh.Ca.Crypto;
using Mesh.Testing;

namespace Mesh.Ca.Tests.Support;

/// <summary>Verifies leaf chains the way a peer would: .NET's X509Chain with only the given roots trusted, and openssl.</summary>
public static class ChainCheck
{
    /// <summary>Builds the chain of the first certificate of <paramref name="chainPem"/> (the rest are intermediates).</summary>
    public static (bool Valid, string Status) DotNet(string chainPem, IEnumerable<string> rootPems)
    {
        var certificates = Pem.ReadChain(chainPem);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        foreach (var root in rootPems)
        {
            chain.ChainPolicy.CustomTrustStore.Add(X509Certificate2.CreateFromPem(root));
        }

        chain.ChainPolicy.ExtraStore.AddRange(certificates.Skip(1).ToArray());
        var valid = chain.Build(certificates[0]);
        var status = string.Join("; ", chain.ChainStatus.Select(s => $"{s.Status}: {s.StatusInformation.Trim()}"));
        return (valid, status);
    }

    /// <summary><c>openssl verify -CAfile roots.pem [-untrusted intermediates.pem] leaf.pem</c>: exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> OpenSslAsync(string chainPem, IEnumerable<string> rootPems)
    {
        using var directory = new TempDirectory("mesh-ca-verify");
        var blocks = Pem.SplitBlocks(chainPem);
        var roots = Path.Combine(directory.Path, "roots.pem");
        var leaf = Path.Combine(directory.Path, "leaf.pem");
        await File.WriteAllTextAsync(roots, string.Concat(rootPems));
        await File.WriteAllTextAsync(leaf, blocks[0]);
        var arguments = new List<string> { "verify", "-CAfile", roots };
        if (blocks.Count > 1)
        {
            var intermediates = Path.Combine(directory.Path, "intermediates.pem");
            await File.WriteAllTextAsync(intermediates, string.Concat(blocks.Skip(1)));
            arguments.AddRange(["-untrusted", intermediates]);
        }

        arguments.Add(leaf);
        var start = new ProcessStartInfo("openssl") { RedirectStandardOutput = true, RedirectStandardError = true };
        arguments.ForEach(start.ArgumentList.Add);
        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var error = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, (await output) + (await error));
    }

    /// <summary>Asserts the chain verifies against the roots with both .NET and openssl.</summary>
    public static async Task AssertVerifiesAsync(string chainPem, IEnumerable<string> rootPems)
    {
        var roots = rootPems.ToList();
        var (valid, status) = DotNet(chainPem, roots);
        Assert.True(valid, "X509Chain: " + status);
        var (exitCode, output) = await OpenSslAsync(chainPem, roots);
        Assert.True(exitCode == 0, "openssl verify: " + output);
        Assert.Contains(": OK", output);
    }

    /// <summary>Asserts neither .NET nor openssl can build a trusted chain.</summary>
    public static async Task AssertRejectedAsync(string chainPem, IEnumerable<string> rootPems)
    {
        var roots = rootPems.ToList();
        Assert.False(DotNet(chainPem, roots).Valid, "X509Chain accepted a chain it should not");
        var (exitCode, output) = await OpenSslAsync(chainPem, roots);
        Assert.True(exitCode != 0, "openssl verify accepted: " + output);
    }
}
