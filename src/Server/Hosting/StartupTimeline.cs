using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Mesh.Server.Hosting;

/// <summary>
/// Where a server process's start-up time goes: named moments (Main entered, config parsed, host built, each hosted
/// service started, first request served), each as milliseconds since the process started, with the CPU time the
/// process had used by then (all threads: on a busy machine the wall time is mostly waiting for a core, the CPU time
/// is the work). Marking costs a timestamp, a <c>getrusage</c> and a list entry; the process start is looked up only
/// when the timeline is described. One per process start, handed down from <c>Main</c>: nothing here is static.
/// </summary>
public sealed class StartupTimeline
{
    private readonly long _origin = Stopwatch.GetTimestamp();
    private readonly DateTime _originUtc = DateTime.UtcNow;
    private readonly List<StartupPhase> _phases = [];
    private readonly Lock _lock = new();

    /// <summary>Starts a timeline whose first moment is <paramref name="firstPhase"/> (now).</summary>
    public StartupTimeline(string firstPhase) => Mark(firstPhase);

    /// <summary>The moments marked so far, in the order they were marked, in milliseconds since the first one.</summary>
    public IReadOnlyList<StartupPhase> Phases
    {
        get
        {
            lock (_lock)
            {
                return [.. _phases];
            }
        }
    }

    /// <summary>Notes that <paramref name="phase"/> is done now.</summary>
    public void Mark(string phase)
    {
        var elapsed = Stopwatch.GetElapsedTime(_origin).TotalMilliseconds;
        var cpu = Environment.CpuUsage.TotalTime.TotalMilliseconds;
        lock (_lock)
        {
            _phases.Add(new StartupPhase(phase, elapsed, cpu));
        }
    }

    /// <summary>
    /// Milliseconds from the process's start (the kernel's record of it, 10 ms granularity) to the first mark; null when
    /// the platform does not say.
    /// </summary>
    public double? ProcessStartToFirstMark()
    {
        try
        {
            using var self = Process.GetCurrentProcess();
            var started = self.StartTime.ToUniversalTime();
            var gap = (_originUtc - started).TotalMilliseconds;
            return gap >= 0 ? gap : null;
        }
        catch (Exception error) when (error is InvalidOperationException or NotSupportedException or System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    /// <summary>
    /// One line: <c>process start 0 ms, main entered 41 ms (+41, cpu 30), config parsed 58 ms (+17, cpu 45), ...</c>:
    /// every moment in milliseconds since the process started (since the first mark when the process start is
    /// unknown), the step from the moment before, and the process's CPU milliseconds by then.
    /// </summary>
    public string Describe()
    {
        var offset = ProcessStartToFirstMark() ?? 0;
        var text = new StringBuilder("process start 0 ms");
        var previous = 0.0;
        foreach (var phase in Phases)
        {
            var at = offset + phase.ElapsedMilliseconds;
            text.Append(CultureInfo.InvariantCulture, $", {phase.Name} {at:F0} ms (+{at - previous:F0}, cpu {phase.CpuMilliseconds:F0})");
            previous = at;
        }

        return text.ToString();
    }
}

/// <summary>
/// One moment of a <see cref="StartupTimeline"/>: its name, milliseconds since the timeline's first mark, and the CPU
/// milliseconds (user + system, all threads) the process had used by then.
/// </summary>
public readonly record struct StartupPhase(string Name, double ElapsedMilliseconds, double CpuMilliseconds);
