using System.Globalization;

namespace Mesh.LoadTest.Targets;

/// <summary>
/// Resident memory and CPU time of a server, read from /proc (Linux), so any server can be measured alike. A cluster
/// is probed as the sum of its member processes (the ids are read each time, so a restarted member is followed).
/// </summary>
public sealed class ProcessProbe
{
    /// <summary>Kernel clock ticks per second for /proc/PID/stat times (USER_HZ, 100 on Linux).</summary>
    private const double TicksPerSecond = 100;

    private readonly Func<IReadOnlyList<int>> _processIds;

    public ProcessProbe(int processId)
        : this(() => [processId])
    {
    }

    public ProcessProbe(Func<IReadOnlyList<int>> processIds) => _processIds = processIds;

    public int ProcessId => _processIds()[0];

    /// <summary>VmRSS in bytes, summed over the processes.</summary>
    public long ResidentBytes() => _processIds().Sum(id => StatusKilobytes(id, "VmRSS:") * 1024);

    /// <summary>VmHWM (peak resident set since start or since <see cref="ResetPeak"/>) in bytes, summed.</summary>
    public long PeakResidentBytes() => _processIds().Sum(id => StatusKilobytes(id, "VmHWM:") * 1024);

    /// <summary>Resets VmHWM to the current RSS (writing 5 to /proc/PID/clear_refs, Linux 4.0+).</summary>
    public void ResetPeak()
    {
        foreach (var id in _processIds())
        {
            File.WriteAllText($"/proc/{id}/clear_refs", "5");
        }
    }

    /// <summary>User plus system CPU time consumed so far, summed.</summary>
    public TimeSpan CpuTime() => TimeSpan.FromSeconds(_processIds().Sum(CpuTicks) / TicksPerSecond);

    private static long CpuTicks(int id)
    {
        var stat = File.ReadAllText($"/proc/{id}/stat");

        // Fields after the parenthesised command name, which may itself contain spaces.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
    }

    private static long StatusKilobytes(int id, string field)
    {
        foreach (var line in File.ReadLines($"/proc/{id}/status"))
        {
            if (line.StartsWith(field, StringComparison.Ordinal))
            {
                return long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            }
        }

        throw new InvalidDataException($"no {field} in /proc/{id}/status");
    }
}
