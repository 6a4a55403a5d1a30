using System.Diagnostics;

namespace Mesh.FaultTest.Cluster;

/// <summary>Runs a system command (ip, mount, kill) and fails with its output when it exits non-zero.</summary>
public static class Shell
{
    public static async Task<string> RunAsync(string fileName, IReadOnlyList<string> arguments, bool check = true)
    {
        var start = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not run {fileName}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().ConfigureAwait(false);
        var output = await stdout.ConfigureAwait(false) + await stderr.ConfigureAwait(false);
        if (check && process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{fileName} {string.Join(' ', arguments)} exited {process.ExitCode}: {output.Trim()}");
        }

        return output;
    }

    public static bool IsRoot => Environment.UserName == "root";
}
