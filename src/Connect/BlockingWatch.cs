using Microsoft.Extensions.Logging;

namespace Mesh.Connect;

/// <summary>
/// Runs one blocking query forever: each step is given the last index and returns the new one. Errors back off from
/// 200 ms to 10 s and retry, so a server outage leaves the last good value in place and recovery is automatic.
/// </summary>
internal static class BlockingWatch
{
    public static async Task RunAsync(string what, Func<long, CancellationToken, ValueTask<long>> step, ILogger logger, CancellationToken cancellationToken)
    {
        long index = 0;
        var delay = TimeSpan.FromMilliseconds(200);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var next = await step(index, cancellationToken).ConfigureAwait(false);
                // An index that goes backwards (a restored or new server) restarts the watch; 0 would not block.
                index = next < index ? 0 : Math.Max(next, 1);
                delay = TimeSpan.FromMilliseconds(200);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception error) when (error is ConnectApiException or System.Text.Json.JsonException or System.Security.Cryptography.CryptographicException or InvalidOperationException or KeyNotFoundException)
            {
                ConnectLog.WatchFailed(logger, what, (long)delay.TotalMilliseconds, error.Message);
                try
                {
                    await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
            }
        }
    }
}
