using System.Diagnostics;

namespace Mesh.LoadTest.Load;

/// <summary>The measured window of a run, in <see cref="Stopwatch"/> ticks: a warm-up, then the measured span.</summary>
public readonly record struct LoopWindow(long From, long Until)
{
    public static LoopWindow StartingNow(TimeSpan warmup, TimeSpan duration)
    {
        var start = Stopwatch.GetTimestamp();
        return new LoopWindow(start + Ticks(warmup), start + Ticks(warmup + duration));
    }

    private static long Ticks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);
}

/// <summary>What one closed-loop client saw inside the window: latencies of its successes, its errors.</summary>
public sealed class LoopTally
{
    public List<long> Latencies { get; } = new(capacity: 16_384);

    public long Errors { get; set; }

    public string? FirstError { get; set; }
}

/// <summary>
/// One client of a closed loop: sends a request, waits for its answer, sends the next, until the window ends. A request
/// counts if it started and was answered inside the window. <c>attempt</c> returns null on success or the error's text;
/// HTTP failures and timeouts it throws are counted as errors.
/// </summary>
public static class ClosedLoopWorker
{
    public static async Task<LoopTally> RunAsync(Func<long, CancellationToken, Task<string?>> attempt, LoopWindow window, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(attempt);
        var tally = new LoopTally();
        for (long sequence = 0; ; sequence++)
        {
            var started = Stopwatch.GetTimestamp();
            if (started >= window.Until)
            {
                return tally;
            }

            string? error;
            try
            {
                error = await attempt(sequence, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception failure) when (failure is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                error = failure.Message;
            }

            var finished = Stopwatch.GetTimestamp();
            if (started >= window.From && finished <= window.Until)
            {
                if (error is null)
                {
                    tally.Latencies.Add(finished - started);
                }
                else
                {
                    tally.Errors++;
                    tally.FirstError ??= error;
                }
            }
        }
    }
}
