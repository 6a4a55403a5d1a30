using System.Diagnostics;
using Grpc.Core;
using Mesh.Agent.Connect;
using Mesh.XdsServer.ConsulApi.Dataplane;
using Microsoft.Extensions.Logging;

namespace Mesh.Agent.Dataplane;

/// <summary>
/// <c>mesh dataplane</c>'s run (consul-dataplane's <c>Run</c>): pick a server that supports bootstrap configuration,
/// fetch the proxy's bootstrap parameters, start the local xDS relay, write Envoy's bootstrap (ADS cluster
/// <c>consul-dataplane</c> pointing at the relay), watch the servers, and run Envoy when it is on PATH.
/// </summary>
public sealed partial class DataplaneRunner(DataplaneOptions options, ILoggerFactory loggerFactory)
{
    public const string AdsClusterName = "consul-dataplane";

    private readonly ILogger _logger = loggerFactory.CreateLogger<DataplaneRunner>();

    /// <summary>Runs until cancelled or Envoy exits; with <c>-bootstrap-only</c> returns the bootstrap after writing it to <paramref name="output"/>.</summary>
    public async Task<int> RunAsync(TextWriter output, CancellationToken cancellationToken)
    {
        var (targets, withPorts) = await ServerAddressSource.ResolveAsync(options.Addresses, options.GrpcPort, cancellationToken).ConfigureAwait(false);
        using var servers = new DataplaneServers(options, targets, withPorts, loggerFactory.CreateLogger<DataplaneServers>());
        var connection = await servers.ConnectAsync(cancellationToken).ConfigureAwait(false);
        var parameters = await BootstrapParamsAsync(connection, cancellationToken).ConfigureAwait(false);
        if (options.BootstrapOnly)
        {
            await output.WriteLineAsync(Bootstrap(parameters, options.XdsBindPort)).ConfigureAwait(false);
            return 0;
        }

        await using var xds = await DataplaneXdsHost.StartAsync(options, servers, loggerFactory, cancellationToken).ConfigureAwait(false);
        var bootstrap = Bootstrap(parameters, xds.Port);
        var path = await WriteBootstrapAsync(bootstrap).ConfigureAwait(false);
        Log.Ready(_logger, options.ProxyId, options.XdsBindAddress, xds.Port, path);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var watch = servers.WatchAsync(stop.Token);
        try
        {
            return await RunEnvoyAsync(path, stop.Token).ConfigureAwait(false);
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await watch.ConfigureAwait(false);
        }
    }

    private async Task<GetEnvoyBootstrapParamsResponse> BootstrapParamsAsync(ServerConnection connection, CancellationToken cancellationToken)
    {
        var request = new GetEnvoyBootstrapParamsRequest { ProxyId = options.ProxyId, NodeName = options.NodeName, NodeId = options.NodeId };
#pragma warning disable CS0612 // sent as consul-dataplane sends it, for servers that read only this field
        request.ServiceId = options.ProxyId;
#pragma warning restore CS0612
        try
        {
            return await new DataplaneService.DataplaneServiceClient(connection.Invoker)
                .GetEnvoyBootstrapParamsAsync(request, deadline: DateTime.UtcNow.AddSeconds(30), cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (RpcException error) when (!cancellationToken.IsCancellationRequested)
        {
            throw new DataplaneException($"the Envoy bootstrap parameters of \"{options.ProxyId}\" could not be read from {connection.Target}: {error.StatusCode}: {error.Status.Detail}", error);
        }
    }

    private string Bootstrap(GetEnvoyBootstrapParamsResponse parameters, int xdsPort)
    {
#pragma warning disable CS0612 // old servers send only the service name
        var cluster = parameters.Identity.Length > 0 ? parameters.Identity : parameters.Service;
#pragma warning restore CS0612
        return EnvoyBootstrap.Render(new EnvoyBootstrapArgs
        {
            ProxyId = options.ProxyId,
            Cluster = cluster,
            Datacenter = parameters.Datacenter,
            Namespace = parameters.Namespace.Length > 0 ? parameters.Namespace : "default",
            Partition = parameters.Partition.Length > 0 ? parameters.Partition : "default",
            NodeName = parameters.NodeName,
            GrpcHost = options.XdsBindAddress,
            GrpcPort = xdsPort,
            AdminPort = options.EnvoyAdminBindPort,
            AdsClusterName = AdsClusterName,
            TokenInMetadata = false,
        });
    }

    private static async Task<string> WriteBootstrapAsync(string bootstrap)
    {
        var path = Path.Combine(Path.GetTempPath(), $"mesh-dataplane-{Environment.ProcessId}-{Guid.NewGuid():N}.json");
        var fileOptions = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        await using var file = new FileStream(path, fileOptions);
        await using var writer = new StreamWriter(file);
        await writer.WriteAsync(bootstrap).ConfigureAwait(false);
        return path;
    }

    /// <summary>Runs Envoy from PATH until it exits; without Envoy, serves the relay for an Envoy started elsewhere until cancelled.</summary>
    private async Task<int> RunEnvoyAsync(string bootstrapPath, CancellationToken cancellationToken)
    {
        var envoy = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "envoy"))
            .FirstOrDefault(File.Exists);
        if (envoy is null)
        {
            Log.NoEnvoy(_logger, bootstrapPath);
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }

            return 0;
        }

        using var process = Process.Start(new ProcessStartInfo(envoy)
        {
            ArgumentList = { "--config-path", bootstrapPath, "--concurrency", "2", "--drain-time-s", "30", "--disable-hot-restart" },
        }) ?? throw new DataplaneException("Envoy could not be started");
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            return process.ExitCode;
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            return 0;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4621, Level = LogLevel.Information, Message = "Dataplane for {ProxyId} serving xDS on {Address}:{Port}; Envoy bootstrap at {Path}")]
        public static partial void Ready(ILogger logger, string proxyId, string address, int port, string path);

        [LoggerMessage(EventId = 4622, Level = LogLevel.Warning, Message = "Envoy is not on PATH: serving xDS for an Envoy started elsewhere with the bootstrap at {Path}")]
        public static partial void NoEnvoy(ILogger logger, string path);
    }
}
