using System.Diagnostics;

namespace Mesh.Api.Tests.Interop;

/// <summary>
/// Runs Python scripts that use Debian's <c>python3-consul</c>, a Consul client we did not write. The first interpreter
/// that can import the module is used: <c>python3</c> on the PATH, else Debian's own <c>/usr/bin/python3</c> (the
/// package installs there, which a pyenv or venv python on the PATH does not see).
/// </summary>
public static class PythonConsul
{
    private static readonly string[] Candidates = ["python3", "/usr/bin/python3"];

    public static async Task<string?> FindInterpreterAsync()
    {
        foreach (var candidate in Candidates)
        {
            try
            {
                var (exitCode, _, _) = await RunAsync(candidate, "import consul", TimeSpan.FromSeconds(30));
                if (exitCode == 0)
                {
                    return candidate;
                }
            }
            catch (System.ComponentModel.Win32Exception)
            {
                // Not installed at this path.
            }
        }

        return null;
    }

    /// <summary>Runs <c>python -c script</c> with a hard timeout; the process tree is killed when it runs over.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string python, string script, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);
        start.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        start.Environment.Remove("CONSUL_HTTP_ADDR");
        start.Environment.Remove("CONSUL_HTTP_TOKEN");

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {python}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{python} did not finish within {timeout}; stderr so far: {(stderr.IsCompleted ? stderr.Result : "")}");
        }

        return (process.ExitCode, await stdout, await stderr);
    }
}
