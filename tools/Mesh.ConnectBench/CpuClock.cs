using System.Globalization;

namespace Mesh.ConnectBench;

/// <summary>
/// CPU time (user + system, including reaped children such as socat's forks) of a set of processes, from
/// /proc/&lt;pid&gt;/stat. CPU per MiB does not depend on how much of the shared machine the run got, unlike MB/s.
/// </summary>
internal static class CpuClock
{
    private const double TicksPerSecond = 100; // USER_HZ on Linux

    public static TimeSpan Of(IEnumerable<int> processIds)
    {
        double ticks = 0;
        foreach (var id in processIds)
        {
            try
            {
                var stat = File.ReadAllText($"/proc/{id}/stat");
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                // Fields 14-17 of stat (utime, stime, cutime, cstime) are 11-14 after the command.
                for (var i = 11; i <= 14; i++)
                {
                    ticks += double.Parse(fields[i], CultureInfo.InvariantCulture);
                }
            }
            catch (IOException)
            {
            }
        }

        return TimeSpan.FromSeconds(ticks / TicksPerSecond);
    }

    /// <summary>
    /// Waits (at most <paramref name="limit"/>) until the processes are quiet: under 2 % of a core over one second. A
    /// freshly started .NET proxy keeps re-compiling hot code in the background (tiered JIT) for a while after its first
    /// traffic, more so on a loaded machine; a long-running proxy has finished that, so it is measured after it too.
    /// </summary>
    public static async Task<TimeSpan> SettleAsync(IReadOnlyCollection<int> processIds, TimeSpan limit)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (clock.Elapsed < limit)
        {
            var before = Of(processIds);
            await Task.Delay(1000);
            if ((Of(processIds) - before).TotalMilliseconds < 20)
            {
                break;
            }
        }

        return clock.Elapsed;
    }
}
