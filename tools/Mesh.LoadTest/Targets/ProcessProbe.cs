using System.Globalization;

namespace Mesh.LoadTest.Targets;

/// <summary>Resident memory and CPU time of a process, read from /proc (Linux), so any server can be measured alike.</summary>
public sealed class ProcessProbe(int processId)
{
    /// <summary>Kernel clock ticks per second for /proc/PID/stat times (USER_HZ, 100 on Linux).</summary>
    private const double TicksPerSecond = 100;

    public int ProcessId { get; } = processId;

    /// <summary>VmRSS in bytes.</summary>
    public long ResidentBytes()
    {
        foreach (var line in File.ReadLines($"/proc/{ProcessId}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                var kilobytes = line["VmRSS:".Length..].Trim().Split(' ')[0];
                return long.Parse(kilobytes, CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new InvalidDataException($"no VmRSS in /proc/{ProcessId}/status");
    }

    /// <summary>User plus system CPU time consumed so far.</summary>
    public TimeSpan CpuTime()
    {
        var stat = File.ReadAllText($"/proc/{ProcessId}/stat");

        // Fields after the parenthesised command name, which may itself contain spaces.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var user = long.Parse(fields[11], CultureInfo.InvariantCulture);
        var system = long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds((user + system) / TicksPerSecond);
    }
}
