using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using Mesh.XdsServer.ConsulApi.Dataplane;
using Mesh.XdsServer.ConsulApi.ServerDiscovery;
using Microsoft.Extensions.Logging;

namespace Mesh.Agent.Dataplane;

/// <summary>A gRPC connection to one server, with the dataplane's token on every call.</summary>
public sealed record ServerConnection(ServerTarget Target, GrpcChannel Channel, CallInvoker Invoker);

/// <summary>
/// The servers a dataplane may use and the one it uses now (consul-server-connection-manager): a server qualifies
/// when it answers GetSupportedDataplaneFeatures with Envoy bootstrap configuration supported; WatchServers
/// replaces the known set; a failed server is left for the next one in the set.
/// </summary>
public sealed partial class DataplaneServers(DataplaneOptions options, IReadOnlyList<ServerTarget> initial, bool fixedTargets, ILogger logger) : IDisposable
{
    /// <summary>Bound on one feature probe, so an unresponsive server is skipped.</summary>
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(5);

    private readonly SemaphoreSlim _switching = new(1, 1);
    private readonly X509Certificate2Collection? _authorities = LoadAuthorities(options);
    private readonly object _gate = new();
    private IReadOnlyList<ServerTarget> _targets = initial;
    private int _next;
    private ServerConnection? _current;

    public ServerConnection? Current
    {
        get
        {
            lock (_gate)
            {
                return _current;
            }
        }
    }

    public IReadOnlyList<ServerTarget> Targets
    {
        get
        {
            lock (_gate)
            {
                return _targets;
            }
        }
    }

    /// <summary>The current server, or the first that qualifies (trying them in turn until cancelled).</summary>
    public async ValueTask<ServerConnection> ConnectAsync(CancellationToken cancellationToken)
        => Current ?? await SwitchAsync(null, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Leaves <paramref name="failed"/> for the next qualifying server. Callers that report the same failure share
    /// one switch: when another caller already moved on, its connection is returned.
    /// </summary>
    public async ValueTask<ServerConnection> SwitchAsync(ServerConnection? failed, CancellationToken cancellationToken)
    {
        await _switching.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Current is { } current && current != failed)
            {
                return current;
            }

            if (failed is not null)
            {
                Log.ServerFailed(logger, failed.Target.ToString());
            }

            while (true)
            {
                var targets = Targets;
                for (var attempt = 0; attempt < targets.Count; attempt++)
                {
                    var target = targets[_next++ % targets.Count];
                    if (failed is not null && target == failed.Target && targets.Count > 1)
                    {
                        continue;
                    }

                    if (await TryConnectAsync(target, cancellationToken).ConfigureAwait(false) is { } connection)
                    {
                        lock (_gate)
                        {
                            _current = connection;
                        }

                        failed?.Channel.Dispose();
                        Log.Connected(logger, target.ToString());
                        return connection;
                    }
                }

                failed = null;
                await Task.Delay(options.RetryDelay, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _switching.Release();
        }
    }

    /// <summary>
    /// Follows WatchServers on the current server, replacing the known set with each message (unless the addresses
    /// were given with ports); any failure moves to another server.
    /// </summary>
    public async Task WatchAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var client = new ServerDiscoveryService.ServerDiscoveryServiceClient(connection.Invoker);
                using var call = client.WatchServers(new WatchServersRequest(), cancellationToken: cancellationToken);
                while (await call.ResponseStream.MoveNext(cancellationToken).ConfigureAwait(false))
                {
                    Update(call.ResponseStream.Current);
                }

                await SwitchAsync(connection, cancellationToken).ConfigureAwait(false);
            }
            catch (RpcException) when (!cancellationToken.IsCancellationRequested)
            {
                await SwitchAsync(connection, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (RpcException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private void Update(WatchServersResponse response)
    {
        Log.ServersChanged(logger, string.Join(", ", response.Servers.Select(s => s.Address)));
        if (fixedTargets || response.Servers.Count == 0)
        {
            return;
        }

        lock (_gate)
        {
            _targets = [.. response.Servers.Select(s => new ServerTarget(s.Address, options.GrpcPort)).Distinct()];
        }
    }

    private async ValueTask<ServerConnection?> TryConnectAsync(ServerTarget target, CancellationToken cancellationToken)
    {
        var connection = Open(target);
        try
        {
            var client = new DataplaneService.DataplaneServiceClient(connection.Invoker);
            var features = await client.GetSupportedDataplaneFeaturesAsync(
                new GetSupportedDataplaneFeaturesRequest(), deadline: DateTime.UtcNow + ProbeTimeout, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (features.SupportedDataplaneFeatures.Any(f => f.FeatureName == DataplaneFeatures.EnvoyBootstrapConfiguration && f.Supported))
            {
                return connection;
            }

            Log.NoBootstrapSupport(logger, target.ToString());
        }
        catch (RpcException error) when (!cancellationToken.IsCancellationRequested)
        {
            Log.ProbeFailed(logger, target.ToString(), error.Status.StatusCode.ToString(), error.Status.Detail);
        }

        connection.Channel.Dispose();
        return null;
    }

    /// <summary>A channel to the server (TLS unless <c>-tls-disabled</c>) whose calls carry the token.</summary>
    public ServerConnection Open(ServerTarget target)
    {
        var handler = new SocketsHttpHandler { ConnectTimeout = ProbeTimeout, EnableMultipleHttp2Connections = true };
        if (!options.TlsDisabled)
        {
            var serverName = options.TlsServerName.Length > 0 ? options.TlsServerName : target.Host;
            handler.SslOptions.TargetHost = serverName;
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) => Verify(certificate, serverName, errors);
        }

        var channel = GrpcChannel.ForAddress(
            $"{(options.TlsDisabled ? "http" : "https")}://{target}",
            new GrpcChannelOptions { HttpHandler = handler, DisposeHttpClient = true, MaxReceiveMessageSize = 50 * 1024 * 1024 });
        var token = options.Token;
        var invoker = token.Length == 0 ? channel.CreateCallInvoker() : channel.Intercept(headers =>
        {
            headers.Add("x-consul-token", token);
            return headers;
        });
        return new ServerConnection(target, channel, invoker);
    }

    private bool Verify(X509Certificate? certificate, string serverName, System.Net.Security.SslPolicyErrors errors)
    {
        if (_authorities is null)
        {
            return errors == System.Net.Security.SslPolicyErrors.None;
        }

        if (certificate is null)
        {
            return false;
        }

        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.CustomTrustStore.AddRange(_authorities);
        return chain.Build(leaf) && leaf.MatchesHostname(serverName);
    }

    private static X509Certificate2Collection? LoadAuthorities(DataplaneOptions options)
    {
        if (options.TlsDisabled || options.CaCertsFile.Length == 0)
        {
            return null;
        }

        var authorities = new X509Certificate2Collection();
        try
        {
            authorities.ImportFromPemFile(options.CaCertsFile);
        }
        catch (Exception error) when (error is IOException or System.Security.Cryptography.CryptographicException or UnauthorizedAccessException)
        {
            throw new DataplaneException($"-ca-certs \"{options.CaCertsFile}\" could not be read: {error.Message}", error);
        }

        return authorities.Count > 0 ? authorities : throw new DataplaneException($"-ca-certs \"{options.CaCertsFile}\" holds no PEM certificate");
    }

    public void Dispose()
    {
        Current?.Channel.Dispose();
        _switching.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4601, Level = LogLevel.Information, Message = "Connected to server {Server}")]
        public static partial void Connected(ILogger logger, string server);

        [LoggerMessage(EventId = 4602, Level = LogLevel.Warning, Message = "Server {Server} failed; switching to another server")]
        public static partial void ServerFailed(ILogger logger, string server);

        [LoggerMessage(EventId = 4603, Level = LogLevel.Warning, Message = "Server {Server} does not support Envoy bootstrap configuration; trying another")]
        public static partial void NoBootstrapSupport(ILogger logger, string server);

        [LoggerMessage(EventId = 4604, Level = LogLevel.Warning, Message = "Server {Server} did not answer: {Code} {Detail}")]
        public static partial void ProbeFailed(ILogger logger, string server, string code, string detail);

        [LoggerMessage(EventId = 4605, Level = LogLevel.Debug, Message = "Servers: {Addresses}")]
        public static partial void ServersChanged(ILogger logger, string addresses);
    }
}
