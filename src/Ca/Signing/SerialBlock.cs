using Mesh.Fsm.Commands;

namespace Mesh.Ca.Signing;

/// <summary>
/// Leaf serial numbers for the leader, reserved through the log in blocks (one <c>CaReserveSerialsCommand</c> per
/// <see cref="BlockSize"/> leaves). A block belongs to the server that reserved it; a new leader reserves its own, and
/// since the replicated counter only moves forward, no serial is ever handed out twice.
/// </summary>
public sealed class SerialBlock(Func<Command, CancellationToken, ValueTask<ApplyResult>> propose) : IDisposable
{
    private readonly SemaphoreSlim _refill = new(1, 1);
    private readonly object _gate = new();
    private long _next;
    private long _end;

    public int BlockSize { get; init; } = 1000;

    public async ValueTask<long> NextAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            lock (_gate)
            {
                if (_next < _end)
                {
                    return _next++;
                }
            }

            await _refill.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                lock (_gate)
                {
                    if (_next < _end)
                    {
                        continue; // another caller refilled while we waited
                    }
                }

                ApplyResult result;
                try
                {
                    result = await propose(new CaReserveSerialsCommand { Count = BlockSize }, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception error) when (error is not OperationCanceledException)
                {
                    // Leadership lost or no quorum: the requester retries, at the new leader if there is one.
                    throw new LeafSigningException(LeafSigningError.NotReady, $"no serial numbers could be reserved: {error.Message}", error);
                }

                if (!result.Succeeded)
                {
                    throw new LeafSigningException(LeafSigningError.NotReady, $"no serial numbers could be reserved: {result.Error}");
                }

                lock (_gate)
                {
                    _next = result.Value;
                    _end = result.Value + BlockSize;
                }
            }
            finally
            {
                _refill.Release();
            }
        }
    }

    public void Dispose() => _refill.Dispose();
}
