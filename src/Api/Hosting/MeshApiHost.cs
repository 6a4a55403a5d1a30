using System.Net;
using Mesh.Server;
using Mesh.Server.Hosting;
using Mesh.Server.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Mesh.Api.Hosting;

/// <summary>
/// The HTTP API as one of the server's hosted services: a Kestrel application over the server core it is given. Its
/// own ASP.NET Core container holds only what endpoints resolve (logging, metrics); everything else is the server's.
/// </summary>
/// <remarks>
/// The application (Kestrel options, middleware, every route) is built in <see cref="BeginPreparation"/>, on the
/// thread pool while Raft opens; <see cref="StartAsync"/> only binds the listeners and starts serving.
/// </remarks>
public sealed class MeshApiHost(ServerRuntime runtime, ServerMetrics metrics, ILoggerFactory loggerFactory, MeshApiOptions options) : IPreparedHostedService, IAsyncDisposable
{
    private readonly PreparedApplication<WebApplication> _prepared = new();
    private WebApplication? _web;

    /// <summary>The API's base address (with the real port when 0 was asked for; the HTTPS one when HTTP is off).</summary>
    public Uri Address { get; private set; } = new("http://127.0.0.1:8500");

    /// <summary>The HTTPS API's base address; null when <c>ports.https</c> is off.</summary>
    public Uri? HttpsAddress { get; private set; }

    public void BeginPreparation() => _prepared.Begin(Build);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var web = await _prepared.GetAsync(Build, cancellationToken).ConfigureAwait(false);
        _web = web;
        await web.StartAsync(cancellationToken).ConfigureAwait(false);
        var addresses = web.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
        var plainSeen = false;
        foreach (var address in addresses ?? [])
        {
            var uri = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
            if (uri.Scheme == Uri.UriSchemeHttps)
            {
                HttpsAddress ??= uri;
            }
            else if (!plainSeen)
            {
                Address = uri;
                plainSeen = true;
            }
        }

        if (!plainSeen && HttpsAddress is not null)
        {
            Address = HttpsAddress; // HTTPS only (ports.http = -1)
        }
    }

    /// <summary>The application with its listeners configured and every route mapped, not yet listening.</summary>
    private WebApplication Build()
    {
        // No appsettings reload: its watcher follows the working directory recursively (inotify), and with a data
        // folder below it every Raft log write woke it (each server watched all three servers' logs under /tmp in
        // Mesh.LoadTest; a service whose working directory is / would watch the whole file system).
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false"] });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggerFactory);
        builder.Services.AddSingleton(metrics);
        builder.Services.AddSingleton<Mesh.Api.Http.FilteredIndexCache>();
        builder.Services.AddSingleton(new Mesh.Api.Http.AgentCacheHeaders(runtime.Clock));
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = 64L * 1024 * 1024; // Per-endpoint limits are tighter; snapshots need room.
            foreach (var address in options.Addresses)
            {
                if (options.Port >= 0)
                {
                    kestrel.Listen(IPAddress.Parse(address), options.Port);
                }

                if (options.ConfigureHttps is { } https)
                {
                    kestrel.Listen(IPAddress.Parse(address), options.HttpsPort, https);
                }
            }
        });
        var web = builder.Build();
        if (options.FirstRequestServed is { } firstServed)
        {
            var seen = 0;
            web.Use((context, next) =>
            {
                if (Volatile.Read(ref seen) == 0 && Interlocked.Exchange(ref seen, 1) == 0)
                {
                    context.Response.OnCompleted(() =>
                    {
                        firstServed();
                        return Task.CompletedTask;
                    });
                }

                return next(context);
            });
        }

        options.MapHostEndpoints?.Invoke(web);
        web.UseMeshApi(runtime);
        return web;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_web is { } web)
        {
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await web.StopAsync(grace.Token).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        // The application, started or only prepared, is released once, with its preparation.
        _web = null;
        await _prepared.DisposeAsync().ConfigureAwait(false);
    }
}
