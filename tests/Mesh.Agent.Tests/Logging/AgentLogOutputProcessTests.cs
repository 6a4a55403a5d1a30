using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Mesh.Agent.Cli;
using Mesh.Testing;

namespace Mesh.Agent.Tests.Logging;

/// <summary>A real <c>mesh agent -dev -log-json -log-file</c> process: JSON lines on stdout and in rotated files.</summary>
public sealed class AgentLogOutputProcessTests
{
    [Fact]
    public async Task LogJsonAndLogFile_EveryLineParses_WithAuditLineForAWrite()
    {
        using var folder = new TempDirectory();
        int httpPort = FreePort.Next(), serverPort = FreePort.Next(), grpcPort = FreePort.Next();
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] args =
        [
            typeof(CommandLine).Assembly.Location, "agent", "-dev", "-http-port", $"{httpPort}", "-server-port", $"{serverPort}", "-grpc-port", $"{grpcPort}",
            "-log-json", "-log-level", "debug", "-log-file", folder.Path + "/", "-log-rotate-bytes", "4096", "-log-rotate-max-files", "2",
        ];
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        var stdout = new StringBuilder();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(stdout, e.Data);
        process.ErrorDataReceived += (_, e) => Append(stdout, e.Data);
        Assert.True(process.Start());
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{httpPort}"), Timeout = TimeSpan.FromSeconds(5) };
            await Eventually.ValueAsync(() => RegisterAsync(http, process), ok => ok || process.HasExited, TimeSpan.FromSeconds(60), "a catalog write to succeed");
            Assert.False(process.HasExited, $"mesh exited early:\n{Text(stdout)}");

            // More writes (each logs at debug and audit level) until the 4 KiB file has rotated: how much start-up
            // itself logs varies from build to build.
            await Eventually.ValueAsync(
                async () => Directory.GetFiles(folder.Path, "consul-*.log").Length > 0 || !await RegisterAsync(http, process),
                rotated => rotated,
                TimeSpan.FromSeconds(60),
                "the log file to rotate");

            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await process.WaitForExitAsync(deadline.Token);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        // stdout: the banner lines (==> ...) and the log, whose every line is one JSON object.
        var jsonOnStdout = Text(stdout).Split('\n').Where(l => l.StartsWith('{')).ToList();
        Assert.NotEmpty(jsonOnStdout);
        Assert.All(jsonOnStdout, AssertConsulJson);

        // The file: rotated at 4 KiB (debug logging fills several), at most 2 rotated files kept, every line JSON.
        Assert.True(File.Exists(Path.Combine(folder.Path, "consul.log")));
        var rotated = Directory.GetFiles(folder.Path, "consul-*.log");
        Assert.InRange(rotated.Length, 1, 2);
        var fileLines = Directory.GetFiles(folder.Path, "*.log").SelectMany(File.ReadAllLines).ToList();
        Assert.All(fileLines, AssertConsulJson);
        var everything = fileLines.Concat(jsonOnStdout).ToList();
        Assert.Contains(everything, l => l.Contains("\"@module\":\"Mesh.Audit\"", StringComparison.Ordinal)
            && l.Contains("PUT /v1/catalog/register -> 200", StringComparison.Ordinal)
            && l.Contains("\"Accessor\":\"anonymous\"", StringComparison.Ordinal));
    }

    private static void AssertConsulJson(string line)
    {
        using var document = JsonDocument.Parse(line);
        foreach (var key in new[] { "@level", "@message", "@module", "@timestamp" })
        {
            Assert.True(document.RootElement.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.String, $"{key} missing in {line}");
        }
    }

    private static async Task<bool> RegisterAsync(HttpClient http, Process process)
    {
        if (process.HasExited)
        {
            return false;
        }

        try
        {
            using var response = await http.PutAsync("/v1/catalog/register", new StringContent("""{"Node":"ext","Address":"10.0.0.9","Service":{"Service":"db","Port":5432}}""", Encoding.UTF8, "application/json"));
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (TaskCanceledException)
        {
            return false;
        }
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is not null)
        {
            lock (output)
            {
                output.AppendLine(line);
            }
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
