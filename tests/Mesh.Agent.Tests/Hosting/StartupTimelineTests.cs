using System.Globalization;
using Mesh.Agent.Cli;
using Mesh.Server.Hosting;
using Mesh.Testing;

namespace Mesh.Agent.Tests.Hosting;

/// <summary>The opt-in start-up timeline (issue 18): <c>-log-level trace</c> logs every start-up phase once the first request is served.</summary>
public sealed class StartupTimelineTests
{
    [Fact]
    public async Task AgentAtTraceLevel_LogsEveryStartupPhaseAfterTheFirstRequest()
    {
        using var dir = new TempDirectory();
        var logFile = Path.Combine(dir.Path, "mesh.log");
        var httpPort = FreePort.Next();
        var timeline = new StartupTimeline("main entered");
        using var stop = new CancellationTokenSource();
        using var output = new StringWriter();
        var run = CommandLine.RunAsync(
            ["agent", "-dev", "-node", "timeline", "-log-level", "trace", "-log-file", logFile,
             "-http-port", Port(httpPort), "-grpc-port", Port(FreePort.Next()), "-server-port", Port(FreePort.Next())],
            new CliConsole(TextWriter.Synchronized(output), TextWriter.Null) { Startup = timeline }, stop.Token);
        try
        {
            using var http = new HttpClient();
            var leader = await Eventually.ValueAsync(
                async () =>
                {
                    try
                    {
                        return await http.GetStringAsync(new Uri($"http://127.0.0.1:{httpPort}/v1/status/leader"));
                    }
                    catch (HttpRequestException)
                    {
                        return string.Empty;
                    }
                },
                body => body.Trim('"').Length > 0 || run.IsCompleted,
                TimeSpan.FromSeconds(60),
                "the agent to name a leader");
            Assert.False(run.IsCompleted, output.ToString());
            Assert.Contains(":", leader, StringComparison.Ordinal);

            var line = await Eventually.ValueAsync(
                () => Task.FromResult(ReadShared(logFile).Split('\n').FirstOrDefault(l => l.Contains("Start-up timeline:", StringComparison.Ordinal)) ?? string.Empty),
                text => text.Length > 0,
                TimeSpan.FromSeconds(30),
                "the start-up timeline in the log");

            // In start order up to the HTTP listener; the first request may be answered before the gRPC host is up.
            string[] phases =
            [
                "process start", "main entered", "config parsed", "logging ready", "data dir ready", "TLS loaded", "host built",
                "RaftStartService", "ClusterJoinService", "SelfRegistrationService", "CaLeaderService", "MeshApiHost",
            ];
            var at = -1;
            foreach (var phase in phases)
            {
                var index = line.IndexOf(phase + " ", StringComparison.Ordinal);
                Assert.True(index > at, $"\"{phase}\" missing or out of order in: {line}");
                at = index;
            }

            foreach (var phase in new[] { "XdsGrpcHost", "server started", "first request served" })
            {
                Assert.True(line.IndexOf(phase + " ", StringComparison.Ordinal) > at, $"\"{phase}\" missing or before the HTTP listener in: {line}");
            }

            // Every phase carries its time since the process started and its step from the one before.
            var marked = timeline.Phases.Select(p => p.Name).ToList();
            Assert.Equal(marked.Count, line.Split(" ms (+").Length - 1);
            Assert.Equal(marked.Count, line.Split(", cpu ").Length - 1);
            Assert.Equal(marked.Count, marked.Distinct(StringComparer.Ordinal).Count());
        }
        finally
        {
            await stop.CancelAsync();
            Assert.Equal(0, await run.WaitAsync(TimeSpan.FromSeconds(60)));
        }
    }

    [Fact]
    public async Task AgentAtInfoLevel_DoesNotLogTheTimeline()
    {
        using var dir = new TempDirectory();
        var logFile = Path.Combine(dir.Path, "mesh.log");
        var httpPort = FreePort.Next();
        var timeline = new StartupTimeline("main entered");
        using var stop = new CancellationTokenSource();
        using var output = new StringWriter();
        var run = CommandLine.RunAsync(
            ["agent", "-dev", "-node", "quiet", "-log-file", logFile,
             "-http-port", Port(httpPort), "-grpc-port", "-1", "-server-port", Port(FreePort.Next())],
            new CliConsole(TextWriter.Synchronized(output), TextWriter.Null) { Startup = timeline }, stop.Token);
        try
        {
            using var http = new HttpClient();
            await Eventually.ValueAsync(
                async () =>
                {
                    try
                    {
                        return await http.GetStringAsync(new Uri($"http://127.0.0.1:{httpPort}/v1/status/leader"));
                    }
                    catch (HttpRequestException)
                    {
                        return string.Empty;
                    }
                },
                body => body.Trim('"').Length > 0 || run.IsCompleted,
                TimeSpan.FromSeconds(60),
                "the agent to name a leader");
            Assert.False(run.IsCompleted, output.ToString());

            // The phases are still marked (cheaply); only the trace event is filtered out.
            await Eventually.ValueAsync(
                () => Task.FromResult(timeline.Phases.Any(p => p.Name == "first request served")),
                seen => seen,
                TimeSpan.FromSeconds(30),
                "the first request to be marked");
            Assert.DoesNotContain("Start-up timeline:", ReadShared(logFile), StringComparison.Ordinal);
            Assert.Contains("started: HTTP", ReadShared(logFile), StringComparison.Ordinal);
        }
        finally
        {
            await stop.CancelAsync();
            Assert.Equal(0, await run.WaitAsync(TimeSpan.FromSeconds(60)));
        }
    }

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);

    private static string ReadShared(string path)
    {
        if (!File.Exists(path))
        {
            return string.Empty;
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
