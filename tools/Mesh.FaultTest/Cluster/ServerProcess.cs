using System.Diagnostics;

namespace Mesh.FaultTest.Cluster;

/// <summary>
/// One <c>mesh agent -server</c> child process (optionally inside a network namespace through <c>ip netns exec</c>,
/// which execs, so the pid is the server's). Output is appended to a log file per server; it can be SIGKILLed,
/// SIGSTOPped and started again on the same data folder.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly object _gate = new();
    private Process? _process;
    private StreamWriter? _log;

    public ServerProcess(int ordinal, string name, IReadOnlyList<string> launcher, IReadOnlyList<string> arguments, Uri httpAddress, string serverAddress, string dataDir, string logPath)
    {
        Ordinal = ordinal;
        Name = name;
        Launcher = launcher;
        Arguments = arguments;
        HttpAddress = httpAddress;
        ServerAddress = serverAddress;
        DataDir = dataDir;
        LogPath = logPath;
        Http = new HttpClient { BaseAddress = httpAddress, Timeout = TimeSpan.FromSeconds(10) };
    }

    public int Ordinal { get; }

    public string Name { get; }

    /// <summary>The command in front of the server's (<c>dotnet mesh.dll</c>, or <c>ip netns exec ns dotnet mesh.dll</c>).</summary>
    public IReadOnlyList<string> Launcher { get; }

    public IReadOnlyList<string> Arguments { get; }

    public Uri HttpAddress { get; }

    /// <summary>The Raft address (bind:server-port) the cluster knows this server by.</summary>
    public string ServerAddress { get; }

    public string DataDir { get; }

    public string LogPath { get; }

    public HttpClient Http { get; }

    public bool IsStopped { get; private set; }

    public bool IsRunning
    {
        get
        {
            lock (_gate)
            {
                return _process is { HasExited: false };
            }
        }
    }

    public int? ExitCode
    {
        get
        {
            lock (_gate)
            {
                return _process is { HasExited: true } p ? p.ExitCode : null;
            }
        }
    }

    public void Start()
    {
        lock (_gate)
        {
            if (_process is { HasExited: false })
            {
                return;
            }

            _process?.Dispose();
            _log ??= new StreamWriter(new FileStream(LogPath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
            var start = new ProcessStartInfo(Launcher[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var argument in Launcher.Skip(1).Concat(Arguments))
            {
                start.ArgumentList.Add(argument);
            }

            Write($"==== {DateTime.UtcNow:O} start: {string.Join(' ', start.ArgumentList)}");
            var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start server {Name}");
            process.OutputDataReceived += (_, e) => Write(e.Data);
            process.ErrorDataReceived += (_, e) => Write(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            _process = process;
            IsStopped = false;
        }
    }

    private void Write(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            _log?.WriteLine(line);
        }
    }

    /// <summary>SIGKILL: no shutdown code runs, as in a crash or power cut.</summary>
    public async Task KillAsync()
    {
        Process? process;
        lock (_gate)
        {
            process = _process;
        }

        if (process is { HasExited: false })
        {
            Write($"==== {DateTime.UtcNow:O} SIGKILL");
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
            }

            await process.WaitForExitAsync().ConfigureAwait(false);
        }

        IsStopped = false;
    }

    /// <summary>Waits for the process to exit on its own (a server refusing to start), up to the timeout.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        Process? process;
        lock (_gate)
        {
            process = _process;
        }

        if (process is null)
        {
            return true;
        }

        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public async Task PauseAsync()
    {
        if (_process is { HasExited: false } process)
        {
            Write($"==== {DateTime.UtcNow:O} SIGSTOP");
            await Shell.RunAsync("kill", ["-STOP", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]).ConfigureAwait(false);
            IsStopped = true;
        }
    }

    public async Task ResumeAsync()
    {
        if (_process is { HasExited: false } process)
        {
            await Shell.RunAsync("kill", ["-CONT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]).ConfigureAwait(false);
            Write($"==== {DateTime.UtcNow:O} SIGCONT");
        }

        IsStopped = false;
    }

    /// <summary>The last lines of this server's log, for failure messages.</summary>
    public string Tail(int lines = 15)
    {
        try
        {
            using var reader = new StreamReader(new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
            return string.Join('\n', reader.ReadToEnd().Split('\n').TakeLast(lines));
        }
        catch (IOException error)
        {
            return $"(log unreadable: {error.Message})";
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (IsStopped)
        {
            await ResumeAsync().ConfigureAwait(false);
        }

        await KillAsync().ConfigureAwait(false);
        lock (_gate)
        {
            _process?.Dispose();
            _log?.Dispose();
            _log = null;
        }

        Http.Dispose();
    }
}
