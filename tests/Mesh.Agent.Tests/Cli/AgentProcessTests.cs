using System.Diagnostics;
using System.Text;
using Mesh.Agent.Cli;
using Mesh.Testing;

namespace Mesh.Agent.Tests.Cli;

/// <summary>The real <c>mesh</c> executable in a child process: starts in -dev mode, serves, and stops cleanly on SIGTERM.</summary>
public sealed class AgentProcessTests
{
    [Fact]
    public async Task MeshAgentDev_Sigterm_StopsGracefullyWithExitCode0()
    {
        var meshDll = typeof(CommandLine).Assembly.Location;
        Assert.Equal("mesh.dll", Path.GetFileName(meshDll));
        int httpPort = FreePort.Next(), serverPort = FreePort.Next(), grpcPort = FreePort.Next();
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { meshDll, "agent", "-dev", "-http-port", $"{httpPort}", "-server-port", $"{serverPort}", "-grpc-port", $"{grpcPort}" })
        {
            start.ArgumentList.Add(arg);
        }

        var output = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        Assert.True(process.Start());
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}"), Timeout = TimeSpan.FromSeconds(5) };
            var leader = await Eventually.ValueAsync(() => LeaderAsync(http, process), l => l.Length > 2 || process.HasExited, TimeSpan.FromSeconds(60), "a leader");
            Assert.False(process.HasExited, $"mesh exited early:\n{Text(output)}");
            Assert.Equal($"\"127.0.0.1:{serverPort}\"", leader);

            using (var register = await http.PutAsync("/v1/agent/service/register", new StringContent("""{"Name":"web","Port":80}""", Encoding.UTF8, "application/json")))
            {
                Assert.True(register.IsSuccessStatusCode, await register.Content.ReadAsStringAsync());
            }

            Assert.Contains("\"web\"", await http.GetStringAsync("/v1/catalog/services"), StringComparison.Ordinal);

            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString()]))
            {
                await kill.WaitForExitAsync();
                Assert.Equal(0, kill.ExitCode);
            }

            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await process.WaitForExitAsync(deadline.Token);
            Assert.Equal(0, process.ExitCode);
            Assert.Contains("Mesh agent stopped", Text(output), StringComparison.Ordinal);
            Assert.Contains("Caught signal, shutting down gracefully", Text(output), StringComparison.Ordinal);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    private static async Task<string> LeaderAsync(HttpClient http, Process process)
    {
        if (process.HasExited)
        {
            return string.Empty;
        }

        try
        {
            return await http.GetStringAsync("/v1/status/leader");
        }
        catch (HttpRequestException)
        {
            return string.Empty;
        }
        catch (TaskCanceledException)
        {
            return string.Empty;
        }
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }

    private static string Text(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }
}
