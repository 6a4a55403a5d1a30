using System.Diagnostics;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Mesh.Agent.Hosting;
using Mesh.Agent.Tls;

namespace Mesh.Testing;

/// <summary>TLS configurations and clients for tests: the agent config a test server gets, and TLS clients we did not write.</summary>
public static class TlsTestClients
{
    /// <summary>
    /// Every interface on TLS with one server certificate: HTTPS on a free port, TLS gRPC on a free port, and
    /// verified server traffic (verify_incoming, verify_outgoing, verify_server_hostname on internal_rpc).
    /// </summary>
    public static AgentConfig WithTls(AgentConfig config, string caFile, (string Cert, string Key) server, bool httpsVerifyIncoming = false) => config with
    {
        HttpsPort = FreePort.Next(),
        GrpcTlsPort = FreePort.Next(),
        Tls = new TlsConfig
        {
            Defaults = new TlsStanza { CaFile = caFile, CertFile = server.Cert, KeyFile = server.Key, VerifyIncoming = true, VerifyOutgoing = true },
            InternalRpc = new TlsStanza { VerifyServerHostname = true },
            Https = new TlsStanza { VerifyIncoming = httpsVerifyIncoming },
        },
    };

    /// <summary>An HttpClient for the HTTPS API that trusts only <paramref name="caFile"/> and presents an optional client certificate.</summary>
    public static HttpClient HttpsClient(Uri baseAddress, string caFile, (string Cert, string Key)? clientCertificate = null)
    {
        var authorities = new X509Certificate2Collection();
        authorities.ImportFromPemFile(caFile);
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(1) };
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) => Verify(certificate, authorities);
        if (clientCertificate is { } client)
        {
            handler.SslOptions.ClientCertificates = [X509Certificate2.CreateFromPemFile(client.Cert, client.Key)];
        }

        return new HttpClient(handler) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public static bool Verify(X509Certificate? certificate, X509Certificate2Collection authorities)
    {
        if (certificate is null)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.AddRange(authorities);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build((X509Certificate2)certificate);
    }

    /// <summary>Opens a fresh TLS connection and returns the thumbprint of the certificate the server presented.</summary>
    public static async Task<string> PresentedThumbprintAsync(int port, CancellationToken cancellationToken = default)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", port, cancellationToken);
        string? thumbprint = null;

        // Whatever the server presents is recorded, trusted or not: the test compares it with the files it wrote.
        await using var ssl = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false, (_, certificate, _, _) =>
        {
            thumbprint = (certificate as X509Certificate2)?.Thumbprint;
            return thumbprint is not null;
        });
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "localhost" }, cancellationToken);
        return thumbprint!;
    }

    /// <summary>Runs a program with arguments and a hard timeout; returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string program, IEnumerable<string> arguments, TimeSpan timeout, string? stdin = null)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {program}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
        }

        process.StandardInput.Close();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} did not finish within {timeout}");
        }

        return (process.ExitCode, await stdout, await stderr);
    }
}
