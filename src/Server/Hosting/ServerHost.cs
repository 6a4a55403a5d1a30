using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Mesh.Server.Hosting;

/// <summary>
/// Runs one server's provider: starts its hosted services in registration order (after beginning the preparations of
/// those that have one, <see cref="IPreparedHostedService"/>), stops them in reverse, then disposes the provider (Raft,
/// RPC, CA, metrics). Deliberately not a generic host: no console lifetime, no configuration
/// sources, nothing process-wide, so tests run several of these in one process.
/// </summary>
public sealed partial class ServerHost : IAsyncDisposable
{
    private readonly ServiceProvider _provider;
    private readonly List<IHostedService> _started = [];
    private readonly ILogger _logger;
    private readonly StartupTimeline? _timeline;

    /// <summary>Builds the provider; <paramref name="timeline"/>, when given, gets a mark for it and for each hosted service started.</summary>
    public ServerHost(IServiceCollection services, StartupTimeline? timeline = null)
    {
        _provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
        _logger = _provider.GetRequiredService<ILoggerFactory>().CreateLogger<ServerHost>();
        _timeline = timeline;
        timeline?.Mark("host built");
    }

    public IServiceProvider Services => _provider;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var services = _provider.GetServices<IHostedService>().ToList();
        foreach (var prepared in services.OfType<IPreparedHostedService>())
        {
            prepared.BeginPreparation();
        }

        foreach (var service in services)
        {
            _started.Add(service);
            await service.StartAsync(cancellationToken).ConfigureAwait(false);
            _timeline?.Mark(service.GetType().Name);
        }
    }

    public async ValueTask DisposeAsync()
    {
        for (var i = _started.Count - 1; i >= 0; i--)
        {
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await _started[i].StopAsync(grace.Token).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // one service failing to stop must not keep the others (and Raft) running
            catch (Exception error)
#pragma warning restore CA1031
            {
                Log.StopFailed(_logger, _started[i].GetType().Name, error);
            }
        }

        _started.Clear();
        await _provider.DisposeAsync().ConfigureAwait(false);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4010, Level = LogLevel.Warning, Message = "{Service} failed to stop")]
        public static partial void StopFailed(ILogger logger, string service, Exception error);
    }
}
