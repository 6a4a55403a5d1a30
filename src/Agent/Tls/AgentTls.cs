using Mesh.Agent.Hosting;
using Mesh.Raft.Transport;
using Microsoft.Extensions.Logging;

namespace Mesh.Agent.Tls;

/// <summary>
/// The agent's TLS: effective settings per interface, their loaded material (one source per distinct set of files),
/// and what the listeners and the server port are given. Built once at start; <see cref="Reload"/> re-reads files.
/// </summary>
public sealed class AgentTls : IDisposable
{
    private readonly List<TlsMaterialSource> _sources;

    private AgentTls(string serverName, List<TlsMaterialSource> sources)
    {
        ServerName = serverName;
        _sources = sources;
    }

    /// <summary>The name a server's certificate must carry: <c>server.&lt;datacenter&gt;.&lt;domain&gt;</c>.</summary>
    public string ServerName { get; }

    /// <summary>Server port (Raft and RPC); null when internal_rpc has neither a certificate nor verification.</summary>
    public TlsHandshakeOptions? InternalRpc { get; private init; }

    /// <summary>The HTTPS API; set when <c>ports.https</c> is on.</summary>
    public TlsHandshakeOptions? Https { get; private init; }

    /// <summary>The TLS gRPC port; set when <c>ports.grpc_tls</c> is on.</summary>
    public TlsHandshakeOptions? Grpc { get; private init; }

    public IReadOnlyList<TlsMaterialSource> Sources => _sources;

    /// <summary>Checks the settings against the ports in use and loads every file.</summary>
    /// <exception cref="TlsConfigException">The configuration or a file is unusable; the message says which and why.</exception>
    public static AgentTls Create(AgentConfig config, TimeProvider clock, ILoggerFactory loggerFactory)
    {
        var logger = loggerFactory.CreateLogger<AgentTls>();
        var rpc = config.Tls.ForInternalRpc();
        var https = config.Tls.ForHttps();
        var grpc = config.Tls.ForGrpc();
        Validate(config, rpc, https, grpc);

        var shared = new Dictionary<string, TlsMaterialSource>(StringComparer.Ordinal);
        var sources = new List<TlsMaterialSource>();
        try
        {
            TlsHandshakeOptions Options(TlsSettings settings)
            {
                if (!shared.TryGetValue(settings.MaterialKey, out var source))
                {
                    source = new TlsMaterialSource(settings, clock, loggerFactory.CreateLogger<TlsMaterialSource>());
                    shared[settings.MaterialKey] = source;
                    sources.Add(source);
                }

                return new TlsHandshakeOptions(settings, source, logger);
            }

            var internalRpc = rpc.HasCertificate || rpc.VerifyIncoming || rpc.VerifyOutgoing ? Options(rpc) : null;
            var httpsOptions = config.HttpsPort > 0 ? Options(https) : null;
            var grpcOptions = config.GrpcTlsPort > 0 ? Options(grpc) : null;
            return new AgentTls($"server.{config.Datacenter}.{config.Domain}", sources) { InternalRpc = internalRpc, Https = httpsOptions, Grpc = grpcOptions };
        }
        catch
        {
            foreach (var source in sources)
            {
                source.Dispose();
            }

            throw;
        }
    }

    /// <summary>What the Raft server port uses: plaintext unless internal_rpc has a certificate or verification.</summary>
    public ServerPortTls ServerPort => InternalRpc is not { } rpc
        ? ServerPortTls.Plaintext
        : new ServerPortTls
        {
            Accept = rpc.Settings.HasCertificate ? () => rpc.Accept(requiredPeerName: rpc.Settings.VerifyServerHostname ? ServerName : null) : null,
            RequireTls = rpc.Settings.VerifyIncoming,
            Dial = rpc.Settings.VerifyOutgoing ? () => rpc.Dial(ServerName) : null,
        };

    /// <summary>How the server port speaks, for the start banner.</summary>
    public string ServerPortMode => InternalRpc?.Settings is not { } rpc
        ? "plaintext"
        : string.Join(", ", new[]
        {
            rpc.HasCertificate ? "TLS" : "no certificate",
            rpc.VerifyIncoming ? "verify_incoming" : "plaintext accepted",
            rpc.VerifyOutgoing ? "verify_outgoing" : "dials plaintext",
            rpc.VerifyServerHostname ? $"verify_server_hostname ({ServerName})" : null,
        }.OfType<string>());

    /// <summary>SIGHUP: reads every file again; a bad file keeps its previous material.</summary>
    public void Reload()
    {
        foreach (var source in _sources)
        {
            source.Reload();
        }
    }

    private static void Validate(AgentConfig config, TlsSettings rpc, TlsSettings https, TlsSettings grpc)
    {
        if (rpc.VerifyIncoming && !(rpc.HasCertificate && rpc.HasAuthorities))
        {
            throw new TlsConfigException("tls.internal_rpc.verify_incoming is set but ca_file/ca_path, cert_file or key_file is missing (in tls.internal_rpc or tls.defaults)");
        }

        if (rpc.VerifyOutgoing && !rpc.HasAuthorities)
        {
            throw new TlsConfigException("tls.internal_rpc.verify_outgoing (or verify_server_hostname) is set but no CA is configured: set ca_file or ca_path in tls.internal_rpc or tls.defaults");
        }

        if (config.HttpsPort > 0 && !https.HasCertificate)
        {
            throw new TlsConfigException($"ports.https is {config.HttpsPort} but tls.https has no cert_file and key_file (in tls.https or tls.defaults)");
        }

        if (config.HttpsPort > 0 && https.VerifyIncoming && !https.HasAuthorities)
        {
            throw new TlsConfigException("tls.https.verify_incoming is set but no CA is configured to verify client certificates: set ca_file or ca_path");
        }

        if (config.GrpcTlsPort > 0 && !grpc.HasCertificate)
        {
            throw new TlsConfigException($"ports.grpc_tls is {config.GrpcTlsPort} but tls.grpc has no cert_file and key_file (in tls.grpc or tls.defaults)");
        }

        if (config.GrpcTlsPort > 0 && grpc.VerifyIncoming && !grpc.HasAuthorities)
        {
            throw new TlsConfigException("tls.grpc.verify_incoming is set but no CA is configured to verify client certificates: set ca_file or ca_path");
        }

        if (config.GrpcTlsPort > 0 && config.GrpcTlsPort == config.GrpcPort)
        {
            throw new TlsConfigException($"ports.grpc and ports.grpc_tls are both {config.GrpcPort}: ports.grpc is plaintext only, ports.grpc_tls the TLS port");
        }

        if (config.HttpsPort > 0 && config.HttpsPort == config.HttpPort)
        {
            throw new TlsConfigException($"ports.http and ports.https are both {config.HttpPort}");
        }
    }

    public void Dispose()
    {
        foreach (var source in _sources)
        {
            source.Dispose();
        }
    }
}
