using Mesh.Fsm.Commands;

namespace Mesh.Ca.Signing;

/// <summary>
/// Leaf serial numbers for the leader, reserved through the log in blocks (one <c>CaReserveSerialsCommand</c> per
/// <see cref="BlockSize"/> leaves). A block belongs to the server that reserved it; a new leader reserves its own, and
/// since the replicated counter only moves forward, no serial is ever handed out twice. Once half of the current
/// block is used, the next block is reserved in the background, so signers do not all stop for a Raft commit each
/// time a block runs out.
/// </summary>
public sealed class SerialBlock(Func<Command, CancellationToken, ValueTask<ApplyResult>> propose) : IDisposable
{
    private readonly SemaphoreSlim _refill = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly object _gate = new();
    private long _next;
    private long _end;
    private long _aheadStart;
    private long _aheadEnd;
    private bool _reservingAhead;

    public int BlockSize { get; init; } = 1000;

    public async ValueTask<long> NextAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (TryTake(out var serial))
            {
                return serial;
            }

            await _refill.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                lock (_gate)
                {
                    if (_next < _end || _aheadStart < _aheadEnd)
                    {
                        continue; // another caller (or the reservation ahead) refilled while we waited
                    }
                }

                var start = await ReserveAsync(cancellationToken).ConfigureAwait(false);
                lock (_gate)
                {
                    _next = start;
                    _end = start + BlockSize;
                }
            }
            finally
            {
                _refill.Release();
            }
        }
    }

    private bool TryTake(out long serial)
    {
        var reserveAhead = false;
        lock (_gate)
        {
            if (_next >= _end && _aheadStart < _aheadEnd)
            {
                (_next, _end, _aheadStart, _aheadEnd) = (_aheadStart, _aheadEnd, 0, 0);
            }

            if (_next >= _end)
            {
                serial = 0;
                return false;
            }

            serial = _next++;
            if (!_reservingAhead && _aheadStart == _aheadEnd && _end - _next <= BlockSize / 2)
            {
                _reservingAhead = reserveAhead = true;
            }
        }

        if (reserveAhead)
        {
            _ = ReserveAheadAsync();
        }

        return true;
    }

    /// <summary>The next block, reserved while the current one still lasts. A failure is left to the next on-demand refill to report.</summary>
    private async Task ReserveAheadAsync()
    {
        try
        {
            await _refill.WaitAsync(_stop.Token).ConfigureAwait(false);
            try
            {
                var start = await ReserveAsync(_stop.Token).ConfigureAwait(false);
                lock (_gate)
                {
                    (_aheadStart, _aheadEnd) = (start, start + BlockSize);
                }
            }
            finally
            {
                _refill.Release();
            }
        }
        catch (Exception error) when (error is LeafSigningException or OperationCanceledException or ObjectDisposedException)
        {
            // Not leader any more, no quorum, or shutting down: the on-demand path retries and reports.
        }
        finally
        {
            lock (_gate)
            {
                _reservingAhead = false;
            }
        }
    }

    private async ValueTask<long> ReserveAsync(CancellationToken cancellationToken)
    {
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

        return result.Value;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _refill.Dispose();
        _stop.Dispose();
    }
}
