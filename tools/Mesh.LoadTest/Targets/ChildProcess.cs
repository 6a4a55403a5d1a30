using System.Diagnostics;

namespace Mesh.LoadTest.Targets;

/// <summary>
/// A server started as a child process, its output going to a log file (read when it fails to start). Disposing kills
/// it and its children and waits for the exit, so no server outlives a run.
/// </summary>
public sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly Task _pumps;

    private ChildProcess(Process process, StreamWriter log, string logPath)
    {
        _process = process;
        _log = log;
        LogPath = logPath;
        _pumps = Task.WhenAll(PumpAsync(process.StandardOutput), PumpAsync(process.StandardError));
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public string LogPath { get; }

    /// <summary>Starts a mesh build: its apphost, or <c>mesh.dll</c> run through <c>dotnet</c>.</summary>
    public static ChildProcess StartMesh(string meshBinary, IReadOnlyList<string> arguments, string logPath)
        => meshBinary.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)
            ? Start("dotnet", [meshBinary, .. arguments], logPath)
            : Start(meshBinary, arguments, logPath);

    public static ChildProcess Start(string fileName, IEnumerable<string> arguments, string logPath)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {fileName}");
        }
        catch (System.ComponentModel.Win32Exception error)
        {
            throw new InvalidOperationException($"could not start {fileName}: {error.Message}", error);
        }

        return new ChildProcess(process, new StreamWriter(logPath) { AutoFlush = true }, logPath);
    }

    /// <summary>The last lines the process wrote, for error messages.</summary>
    public string Tail(int lines = 20)
    {
        try
        {
            using var reader = new StreamReader(new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
            return string.Join(Environment.NewLine, reader.ReadToEnd().Split('\n').TakeLast(lines));
        }
        catch (IOException error)
        {
            return $"(log unreadable: {error.Message})";
        }
    }

    private async Task PumpAsync(StreamReader reader)
    {
        while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            lock (_log)
            {
                _log.WriteLine(line);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await _process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            await _pumps.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (Exception error) when (error is OperationCanceledException or TimeoutException)
        {
            await Console.Error.WriteLineAsync($"warning: process {Id} did not exit within 15 s of being killed").ConfigureAwait(false);
        }

        _process.Dispose();
        await _log.DisposeAsync().ConfigureAwait(false);
    }
}
