using System.Diagnostics;
using System.Text;

namespace Mesh.Testing;

/// <summary>
/// A real <c>mesh</c> process (<c>dotnet mesh.dll ...</c>) for crash tests: it can be killed with SIGKILL and started
/// again on the same data folder. Output is kept for failure messages.
/// </summary>
public sealed class MeshProcess : IAsyncDisposable
{
    private readonly StringBuilder _output = new();
    private Process? _process;

    public MeshProcess(string meshDll, IReadOnlyList<string> arguments, int httpPort)
    {
        MeshDll = meshDll;
        Arguments = arguments;
        HttpPort = httpPort;
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}"), Timeout = TimeSpan.FromSeconds(15) };
    }

    public string MeshDll { get; }

    public IReadOnlyList<string> Arguments { get; }

    /// <summary>Environment variables set for the process on top of this one's (switches read at start-up).</summary>
    public IDictionary<string, string> Environment { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    public int HttpPort { get; }

    public HttpClient Http { get; }

    public bool IsRunning => _process is { HasExited: false };

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public void Start()
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(MeshDll);
        foreach (var argument in Arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in Environment)
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start mesh");
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    /// <summary>SIGKILL: no shutdown code runs, exactly like a crash or power cut of this process.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process?.Dispose();
        Http.Dispose();
    }
}
