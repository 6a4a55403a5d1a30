using Mesh.Server.Federation;

namespace Mesh.ProxyCfg;

/// <summary>
/// One blocking health query asked of a datacenter again and again (each from the index of the last answer), handing
/// every answer on; failures (datacenter unknown yet, away, refusing) are reported and retried after a pause.
/// </summary>
internal static class DatacenterQueryLoop
{
    /// <summary>Longest single wait; the loop simply asks again.</summary>
    public static readonly TimeSpan QueryWait = TimeSpan.FromMinutes(5);

    private static readonly TimeSpan Retry = TimeSpan.FromSeconds(1);

    public static async Task RunAsync(
        IDatacenterHealthSource datacenters,
        Func<long, DatacenterHealthQuery> query,
        Action<IReadOnlyList<HealthRow>> arrived,
        Action<string> failed,
        CancellationToken cancellationToken)
    {
        long index = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var answer = await datacenters.QueryAsync(query(index), cancellationToken);

                // An index that went backwards (the other datacenter restored a snapshot) starts over.
                index = answer.Index < index ? 0 : answer.Index;
                arrived(answer.Rows);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // the other datacenter may be unknown yet, away or refusing; keep asking
            catch (Exception error)
#pragma warning restore CA1031
            {
                failed(error.Message);
                index = 0;
                await Task.Delay(Retry, cancellationToken).ContinueWith(static _ => { }, TaskScheduler.Default);
            }
        }
    }
}
