using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Mesh.Server.Hosting;

/// <summary>
/// A background loop of one server as a hosted service: started by the host in registration order, cancelled and awaited
/// when the host stops. A loop that failed is logged at stop, so shutdown goes on for the rest.
/// </summary>
public abstract partial class ServerLoop(ILogger logger) : IHostedService, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private Task _running = Task.CompletedTask;

    /// <summary>The loop's name in logs.</summary>
    protected abstract string Name { get; }

    /// <summary>
    /// Starts the loop on the thread pool: even its first round (generating the CA's root key, encoding the first
    /// command) runs beside the services started after it, not before them (issue 18: start-up).
    /// </summary>
    public virtual Task StartAsync(CancellationToken cancellationToken)
    {
        var stopping = _stopping.Token;
        _running = Task.Run(() => RunAsync(stopping), CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await _running.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
#pragma warning disable CA1031 // a loop that failed while stopping must not stop the rest of the shutdown
        catch (Exception error)
#pragma warning restore CA1031
        {
            Log.LoopFailed(logger, Name, error);
        }
    }

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            _stopping.Dispose();
        }
    }

    protected abstract Task RunAsync(CancellationToken cancellationToken);

    /// <summary>Lets a subclass decide in StartAsync to run the loop to completion before the host goes on.</summary>
    protected void Track(Task running) => _running = running;

    protected CancellationToken Stopping => _stopping.Token;

    private static partial class Log
    {
        [LoggerMessage(EventId = 4003, Level = LogLevel.Warning, Message = "The {Loop} loop failed")]
        public static partial void LoopFailed(ILogger logger, string loop, Exception error);
    }
}
