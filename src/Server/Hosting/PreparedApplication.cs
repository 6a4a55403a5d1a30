namespace Mesh.Server.Hosting;

/// <summary>
/// The application an <see cref="IPreparedHostedService"/> builds ahead of its start: built once on the thread pool,
/// awaited by the start, and disposed with this whether it was started or not (a service before it may have failed).
/// After disposal nothing is built any more.
/// </summary>
public sealed class PreparedApplication<T> : IAsyncDisposable
    where T : class, IAsyncDisposable
{
    private readonly Lock _gate = new();
    private Task<T>? _building;
    private bool _disposed;

    /// <summary>Begins building (once; later calls, and calls after disposal, do nothing).</summary>
    public void Begin(Func<T> build)
    {
        lock (_gate)
        {
            if (!_disposed)
            {
                _building ??= Task.Run(build);
            }
        }
    }

    /// <summary>The built application, building it now if nobody began to; throws once disposed.</summary>
    public Task<T> GetAsync(Func<T> build, CancellationToken cancellationToken)
    {
        Begin(build);
        lock (_gate)
        {
            return (_building ?? throw new ObjectDisposedException(typeof(T).Name)).WaitAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Task<T>? building;
        lock (_gate)
        {
            building = _building;
            _building = null;
            _disposed = true;
        }

        if (building is not null)
        {
            await ((Task)building).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (building.IsCompletedSuccessfully)
            {
                await building.Result.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
