using System.Runtime.InteropServices;

namespace Mesh.LoadTest.Load;

/// <summary>
/// The open-files limit (<c>ulimit -n</c>). Parked queries hold one socket each on the client and on the server; the
/// soft limit is raised up to the hard limit when needed, before any server starts (children inherit it).
/// </summary>
public static partial class FileDescriptorLimit
{
    private const int ResourceOpenFiles = 7; // RLIMIT_NOFILE on Linux

    public static (ulong Soft, ulong Hard) Current()
    {
        if (GetLimit(ResourceOpenFiles, out var limit) != 0)
        {
            throw new InvalidOperationException($"getrlimit failed: errno {Marshal.GetLastPInvokeError()}");
        }

        return (limit.Current, limit.Maximum);
    }

    /// <summary>Makes sure at least <paramref name="needed"/> descriptors may be open; returns the soft limit in force.</summary>
    public static ulong EnsureAtLeast(ulong needed)
    {
        var (soft, hard) = Current();
        if (soft >= needed)
        {
            return soft;
        }

        if (hard < needed)
        {
            throw new InvalidOperationException(
                $"need {needed} open files but the hard limit is {hard}: raise it (as root: ulimit -Hn {needed}; ulimit -n {needed}) and run again");
        }

        var raised = new OpenFilesLimit { Current = hard, Maximum = hard };
        if (SetLimit(ResourceOpenFiles, in raised) != 0)
        {
            throw new InvalidOperationException($"setrlimit failed: errno {Marshal.GetLastPInvokeError()}");
        }

        return hard;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct OpenFilesLimit
    {
        public ulong Current;
        public ulong Maximum;
    }

    [LibraryImport("libc", EntryPoint = "getrlimit", SetLastError = true)]
    private static partial int GetLimit(int resource, out OpenFilesLimit limit);

    [LibraryImport("libc", EntryPoint = "setrlimit", SetLastError = true)]
    private static partial int SetLimit(int resource, in OpenFilesLimit limit);
}
