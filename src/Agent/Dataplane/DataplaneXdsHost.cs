using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mesh.Agent.Dataplane;

/// <summary>The dataplane's local gRPC listener for Envoy (plaintext HTTP/2, as consul-dataplane's), serving <see cref="DeltaXdsRelay"/>.</summary>
public sealed class DataplaneXdsHost : IAsyncDisposable
{
    private readonly WebApplication _web;

    private DataplaneXdsHost(WebApplication web, int port)
    {
        _web = web;
        Port = port;
    }

    /// <summary>The bound port (the chosen one when <c>-xds-bind-port</c> is 0).</summary>
    public int Port { get; }

    public static async Task<DataplaneXdsHost> StartAsync(DataplaneOptions options, DataplaneServers servers, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        if (!IPAddress.TryParse(options.XdsBindAddress, out var address))
        {
            throw new DataplaneException($"-xds-bind-addr \"{options.XdsBindAddress}\" is not an IP address");
        }

        // No appsettings reload: its watcher follows the working directory recursively (inotify), and with a data
        // folder below it every Raft log write woke it (each server watched all three servers' logs under /tmp in
        // Mesh.LoadTest; a service whose working directory is / would watch the whole file system).
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false"] });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggerFactory);
        builder.Services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        builder.Services.AddSingleton(servers);
        builder.Services.AddGrpc(grpc => grpc.MaxReceiveMessageSize = 50 * 1024 * 1024);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(address, options.XdsBindPort, listen => listen.Protocols = HttpProtocols.Http2);
        });
        var web = builder.Build();
        web.MapGrpcService<DeltaXdsRelay>();
        try
        {
            await web.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException error)
        {
            await web.DisposeAsync().ConfigureAwait(false);
            throw new DataplaneException($"the xDS listener {options.XdsBindAddress}:{options.XdsBindPort} could not start: {error.Message}", error);
        }

        var bound = web.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new DataplaneXdsHost(web, new Uri(bound).Port);
    }

    public async ValueTask DisposeAsync()
    {
        using (var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            await _web.StopAsync(grace.Token).ConfigureAwait(false);
        }

        await _web.DisposeAsync().ConfigureAwait(false);
    }
}
