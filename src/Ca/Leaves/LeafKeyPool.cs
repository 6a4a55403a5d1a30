using System.Threading.Channels;

namespace Mesh.Ca.Leaves;

/// <summary>
/// Leaf key pairs generated ahead of demand by one background task, at most <see cref="Capacity"/> at a time, so a
/// request for a new leaf usually finds its key ready. Each key is read from the channel by exactly one taker, so none is
/// handed out twice; keys live only in memory. The filler starts on the first <see cref="Take"/>: a server that never
/// issues leaves never generates any. When the pool is empty the taker generates its own key.
/// </summary>
public sealed class LeafKeyPool : IDisposable
{
    private readonly Channel<LeafKey> _ready;
    private int _started;

    public LeafKeyPool(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        Capacity = capacity;
        _ready = Channel.CreateBounded<LeafKey>(new BoundedChannelOptions(capacity)
        {
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    public int Capacity { get; }

    /// <summary>Keys ready now.</summary>
    public int Ready => _ready.Reader.Count;

    /// <summary>A key nobody else has or will get: a pre-generated one, or a new one when none is ready.</summary>
    public LeafKey Take()
    {
        if (Interlocked.Exchange(ref _started, 1) == 0)
        {
            _ = Task.Run(FillAsync);
        }

        return _ready.Reader.TryRead(out var key) ? key : LeafKey.Generate();
    }

    private async Task FillAsync()
    {
        // WaitToWriteAsync returns false once Dispose completes the channel, which ends the filler.
        while (await _ready.Writer.WaitToWriteAsync().ConfigureAwait(false))
        {
            var key = LeafKey.Generate();
            if (!_ready.Writer.TryWrite(key))
            {
                key.Dispose();
            }
        }
    }

    public void Dispose()
    {
        _ready.Writer.TryComplete();
        while (_ready.Reader.TryRead(out var key))
        {
            key.Dispose();
        }
    }
}
