using System.ComponentModel;
using System.Diagnostics;
using Mesh.Config.Durations;

namespace Mesh.Agent.Checks;

/// <summary>
/// One run of a script check, as Consul's <c>CheckMonitor</c>: the command runs without a shell, its stdout and stderr
/// go to one buffer that keeps the last <c>check_output_max_size</c> bytes, and the exit code decides the status
/// (0 passing, 1 warning, anything else critical). Past its timeout the process and its children are killed and the
/// check is critical.
/// </summary>
internal static class ScriptProbe
{
    /// <summary>How long the output pipes may stay open after the process exited (a child that kept them).</summary>
    private static readonly TimeSpan DrainLimit = TimeSpan.FromSeconds(1);

    public static async Task<CheckResult> RunAsync(IReadOnlyList<string> args, TimeSpan timeout, int outputMaxSize, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(args[0])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args.Skip(1))
        {
            start.ArgumentList.Add(arg);
        }

        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Exception error) when (error is Win32Exception or InvalidOperationException)
        {
            return CheckResult.Critical($"Failed to start check: exec: \"{args[0]}\": {error.Message}");
        }

        process.StandardInput.Close(); // Consul gives the script no input.
        var output = new TailBuffer(outputMaxSize);
        var pumps = Task.WhenAll(PumpAsync(process.StandardOutput.BaseStream, output), PumpAsync(process.StandardError.BaseStream, output));
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Kill(process);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            return CheckResult.Critical($"Timed out ({GoDuration.Format(timeout)}) running check");
        }

        try
        {
            await pumps.WaitAsync(DrainLimit, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // A background child still holds the pipes: report what was read so far.
        }

        var text = output.Text();
        return process.ExitCode switch
        {
            0 => CheckResult.Passing(text),
            1 => CheckResult.Warning(text),
            _ => CheckResult.Critical(text),
        };
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Exited meanwhile.
        }
    }

    private static async Task PumpAsync(Stream stream, TailBuffer output)
    {
        var buffer = new byte[4096];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer).ConfigureAwait(false)) > 0)
            {
                output.Write(buffer.AsSpan(0, read));
            }
        }
        catch (IOException)
        {
            // The pipe broke when the process was killed.
        }
        catch (ObjectDisposedException)
        {
            // The process was disposed after a drain timeout.
        }
    }
}
