using Grpc.Core;

namespace Mesh.XdsServer.Streams;

/// <summary>
/// Admission and shutdown of this server's xDS streams: a precise cap on concurrent streams (an Interlocked count,
/// released in <c>finally</c>, so a stream is refused only when the server really is full), metrics, and the drain
/// that tells open streams to reconnect elsewhere when the server stops.
/// </summary>
public sealed class XdsStreams : IDisposable
{
    private readonly CancellationTokenSource _draining = new();
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _open;

    public XdsStreams(XdsServerOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxStreams, 1, nameof(options));
        Options = options;
    }

    public XdsServerOptions Options { get; }

    public XdsMetrics Metrics { get; } = new();

    /// <summary>Cancelled when the server starts draining: each stream then ends with UNAVAILABLE.</summary>
    public CancellationToken Draining => _draining.Token;

    public bool IsDraining => _draining.IsCancellationRequested;

    public long Open => Interlocked.Read(ref _open);

    /// <summary>
    /// Admits a gRPC call whose lease is released once its response (trailers included) has been sent, not when the
    /// handler returns: the drain waits on the lease, and stopping Kestrel while a status is still being written
    /// closed the connection under it, so the proxy saw INTERNAL instead of UNAVAILABLE.
    /// </summary>
    public void AdmitUntilResponseCompleted(ServerCallContext context)
    {
        var lease = Admit();
        try
        {
            context.GetHttpContext().Response.RegisterForDispose(lease);
        }
        catch
        {
            lease.Dispose();
            throw;
        }
    }

    /// <summary>Admits a stream or throws RESOURCE_EXHAUSTED (over the cap) / UNAVAILABLE (draining). Dispose the lease when the stream ends.</summary>
    public Lease Admit()
    {
        if (IsDraining)
        {
            Metrics.StreamRejected();
            throw new RpcException(new Status(StatusCode.Unavailable, "this server is shutting down; reconnect to another server"));
        }

        if (Interlocked.Increment(ref _open) > Options.MaxStreams)
        {
            Interlocked.Decrement(ref _open);
            Metrics.StreamRejected();
            throw new RpcException(new Status(StatusCode.ResourceExhausted, $"too many xDS streams open on this server (limit {Options.MaxStreams}); retry or connect to another server"));
        }

        Metrics.StreamOpened();
        return new Lease(this);
    }

    /// <summary>Stops admitting streams, ends open ones with UNAVAILABLE, and waits (bounded) until they are gone.</summary>
    public async Task DrainAsync(TimeSpan timeout)
    {
        await _draining.CancelAsync().ConfigureAwait(false);
        if (Open == 0)
        {
            return;
        }

        // The last lease released while draining completes the wait; no polling.
        try
        {
            await _drained.Task.WaitAsync(timeout).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Streams that ignore the drain are left to the host's shutdown.
        }
    }

    public void Dispose()
    {
        _draining.Dispose();
        Metrics.Dispose();
    }

    /// <summary>One admitted stream; releasing it twice is harmless.</summary>
    public sealed class Lease(XdsStreams owner) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                var open = Interlocked.Decrement(ref owner._open);
                owner.Metrics.StreamClosed();
                if (open == 0 && owner.IsDraining)
                {
                    owner._drained.TrySetResult();
                }
            }
        }
    }
}
