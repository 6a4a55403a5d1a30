namespace Mesh.LoadTest.Xds;

/// <summary>
/// When each of N receivers (proxies or streams) first reached some state, as Stopwatch timestamps (0 = not yet);
/// <see cref="All"/> completes when every receiver has.
/// </summary>
public sealed class ArrivalTarget(int receivers)
{
    private readonly long[] _at = new long[receivers];
    private readonly TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _remaining = receivers;

    public Task All => _all.Task;

    public int Reached => _at.Length - Volatile.Read(ref _remaining);

    public IReadOnlyList<long> Times => _at;

    public bool HasReached(int receiver) => Volatile.Read(ref _at[receiver]) != 0;

    public void Reach(int receiver, long timestamp)
    {
        if (Interlocked.CompareExchange(ref _at[receiver], timestamp, 0) == 0 && Interlocked.Decrement(ref _remaining) == 0)
        {
            _all.TrySetResult();
        }
    }

    /// <summary>Arrival times relative to <paramref name="start"/>, of the receivers that arrived.</summary>
    public IEnumerable<long> Since(long start) => _at.Where(t => t != 0).Select(t => t - start);
}
