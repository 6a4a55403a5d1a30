using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using Mesh.Testing;

namespace Mesh.Agent.Tests.Cli;

/// <summary>
/// The README's quick-start commands (the blocks between <c>&lt;!-- readme-test:begin --&gt;</c> and
/// <c>&lt;!-- readme-test:end --&gt;</c>), run as written, in order, by bash in a fresh folder: <c>mesh</c> on the PATH is the
/// built executable, the <c>mesh agent -dev</c> line starts a real agent (on free ports), the CLI finds it through
/// <c>CONSUL_HTTP_ADDR</c>, and curl's <c>localhost:8500</c> is pointed at its HTTP port. Each command must exit 0.
/// The three-server block (<c>&lt;!-- readme-test:cluster:begin --&gt;</c>) is run too, with its servers on loopback
/// (see <see cref="ForServer"/>).
/// </summary>
public sealed class ReadmeQuickStartTests
{
    private const string Begin = "<!-- readme-test:begin -->";
    private const string End = "<!-- readme-test:end -->";
    private const string ClusterBegin = "<!-- readme-test:cluster:begin -->";
    private const string ClusterEnd = "<!-- readme-test:cluster:end -->";

    [Fact]
    public async Task ReadmeQuickStart_EveryCommandExits0()
    {
        var commands = QuickStartCommands(await File.ReadAllTextAsync(FindReadme()));
        Assert.True(commands.Count >= 10, $"expected the README's quick-start commands, found {commands.Count}");
        Assert.StartsWith("mesh agent -dev", commands[0], StringComparison.Ordinal);
        Assert.DoesNotContain(commands.Skip(1), c => c.StartsWith("mesh agent", StringComparison.Ordinal));

        using var work = new TempDirectory();
        var bin = await MeshOnPathAsync(work.Path);

        int httpPort = FreePort.Next(), serverPort = FreePort.Next(), grpcPort = FreePort.Next();
        var address = $"127.0.0.1:{httpPort}";
        using var agent = StartBash($"exec mesh agent -dev -http-port {httpPort} -server-port {serverPort} -grpc-port {grpcPort}", work.Path, bin, out var agentOutput);
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://{address}"), Timeout = TimeSpan.FromSeconds(5) };
            await Eventually.ValueAsync(() => LeaderAsync(http, agent), l => l.Length > 2 || agent.HasExited, TimeSpan.FromSeconds(60), "the agent's leader");
            Assert.False(agent.HasExited, $"mesh agent -dev exited early:\n{Text(agentOutput)}");

            foreach (var command in commands.Skip(1))
            {
                var asRun = command.Replace("localhost:8500", address, StringComparison.Ordinal);
                var outcome = await BashAsync(asRun, work.Path, bin, address);
                Assert.True(outcome.ExitCode == 0, $"README command failed (exit {outcome.ExitCode}): {command}\nstdout: {outcome.Out}\nstderr: {outcome.Error}");
            }
        }
        finally
        {
            if (!agent.HasExited)
            {
                agent.Kill(entireProcessTree: true);
            }
        }
    }

    /// <summary>
    /// The README's three-server cluster: the <c>mesh agent -server ...</c> line is what each server runs on its own
    /// machine, so it is started three times on this one, on loopback (<see cref="ForServer"/>); the commands after it
    /// (members, raft peers, snapshot save/inspect/restore) run against the first server and must exit 0 and show
    /// the three servers. Bounded: the cluster gets 90 seconds to elect a leader with three peers, each command 90.
    /// </summary>
    [Fact]
    public async Task ReadmeClusterQuickStart_ThreeLoopbackServers_EveryCommandExits0()
    {
        var commands = QuickStartCommands(await File.ReadAllTextAsync(FindReadme()), ClusterBegin, ClusterEnd);
        Assert.True(commands.Count >= 4, $"expected the README's cluster commands, found {commands.Count}");
        Assert.StartsWith("mesh agent -server", commands[0], StringComparison.Ordinal);
        Assert.DoesNotContain(commands.Skip(1), c => c.StartsWith("mesh agent", StringComparison.Ordinal));

        using var work = new TempDirectory();
        var bin = await MeshOnPathAsync(work.Path);

        var serverPort = FreePort.Next();
        var httpPorts = new[] { FreePort.Next(), FreePort.Next(), FreePort.Next() };
        var servers = new List<(Process Process, StringBuilder Output)>();
        try
        {
            for (var n = 1; n <= 3; n++)
            {
                var dataDir = Directory.CreateDirectory(Path.Combine(work.Path, $"s{n}")).FullName;
                var command = $"exec {ForServer(commands[0], n, serverPort, dataDir)} -server-port={serverPort} -http-port={httpPorts[n - 1]} -grpc-port={FreePort.Next()}";
                var process = StartBash(command, work.Path, bin, out var output);
                servers.Add((process, output));
            }

            var address = $"127.0.0.1:{httpPorts[0]}";
            using var http = new HttpClient { BaseAddress = new Uri($"http://{address}"), Timeout = TimeSpan.FromSeconds(5) };
            await Eventually.ValueAsync(
                () => PeersAsync(http),
                peers => peers == 3 || servers.Exists(s => s.Process.HasExited),
                TimeSpan.FromSeconds(90),
                "three servers in the Raft configuration");
            Assert.True(!servers.Exists(s => s.Process.HasExited), $"a server exited early:\n{string.Join("\n----\n", servers.Select(s => Text(s.Output)))}");
            await Eventually.ValueAsync(() => LeaderAsync(http, servers[0].Process), l => l.Length > 2, TimeSpan.FromSeconds(90), "the cluster's leader");

            // The peers' names reach the member list with their first answered ping, a moment after they join Raft.
            await Eventually.ValueAsync(
                () => MembersAsync(http),
                members => new[] { "\"s1\"", "\"s2\"", "\"s3\"" }.All(name => members.Contains(name, StringComparison.Ordinal)),
                TimeSpan.FromSeconds(90),
                "all three servers in the member list");

            foreach (var command in commands.Skip(1))
            {
                var outcome = await BashAsync(command, work.Path, bin, address);
                Assert.True(outcome.ExitCode == 0, $"README command failed (exit {outcome.ExitCode}): {command}\nstdout: {outcome.Out}\nstderr: {outcome.Error}");
                if (command.StartsWith("mesh operator raft list-peers", StringComparison.Ordinal) || command.StartsWith("mesh members", StringComparison.Ordinal))
                {
                    Assert.All(new[] { "s1", "s2", "s3" }, node => Assert.Contains(node, outcome.Out, StringComparison.Ordinal));
                }
            }
        }
        finally
        {
            foreach (var (process, _) in servers)
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                }

                process.Dispose();
            }
        }
    }

    /// <summary>
    /// The README's server command for server <paramref name="n"/> of three on this machine: <c>-node=s1</c> becomes
    /// <c>sN</c>, addresses <c>10.0.0.K</c> become the loopback addresses <c>127.0.0.K</c> (Linux routes all of
    /// 127.0.0.0/8 to the loopback interface), the server port 8300 a free port, and <c>/var/lib/mesh</c> a folder of
    /// the test's. Every one of these must be in the README's line, so the test notices when the README changes.
    /// </summary>
    public static string ForServer(string template, int n, int serverPort, string dataDir)
    {
        foreach (var expected in new[] { "-node=s1", "-bind=10.0.0.1", "-data-dir=/var/lib/mesh", "10.0.0.2:8300", "10.0.0.3:8300" })
        {
            Assert.Contains(expected, template, StringComparison.Ordinal);
        }

        var command = template
            .Replace("-node=s1", $"-node=s{n}", StringComparison.Ordinal)
            .Replace("-bind=10.0.0.1", $"-bind=127.0.0.{n}", StringComparison.Ordinal)
            .Replace("-data-dir=/var/lib/mesh", $"-data-dir={dataDir}", StringComparison.Ordinal);
        return Regex.Replace(command, @"10\.0\.0\.(\d):8300", $"127.0.0.$1:{serverPort}");
    }

    [Fact]
    public void ForServer_MapsTheReadmeLineOntoLoopback()
    {
        const string line = "mesh agent -server -node=s1 -data-dir=/var/lib/mesh -bootstrap-expect=3 -bind=10.0.0.1 -retry-join=10.0.0.1:8300 -retry-join=10.0.0.2:8300 -retry-join=10.0.0.3:8300";

        Assert.Equal(
            "mesh agent -server -node=s2 -data-dir=/tmp/s2 -bootstrap-expect=3 -bind=127.0.0.2 -retry-join=127.0.0.1:9000 -retry-join=127.0.0.2:9000 -retry-join=127.0.0.3:9000",
            ForServer(line, 2, 9000, "/tmp/s2"));
    }

    [Fact]
    public void QuickStartCommands_JoinContinuationsAndSkipProse()
    {
        var commands = QuickStartCommands($"""
            text
            {Begin}
                mesh a \
                    -b
                mesh c   # comment stays for bash
            prose
            {End}
                not-in-a-block
            """);
        Assert.Equal(["mesh a -b", "mesh c   # comment stays for bash"], commands);
    }

    /// <summary>The indented lines of the marked blocks, continuation lines (<c>\</c>) joined.</summary>
    public static IReadOnlyList<string> QuickStartCommands(string readme) => QuickStartCommands(readme, Begin, End);

    public static IReadOnlyList<string> QuickStartCommands(string readme, string begin, string end)
    {
        var commands = new List<string>();
        var inside = false;
        var pending = new StringBuilder();
        foreach (var raw in readme.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Trim() == begin)
            {
                inside = true;
                continue;
            }

            if (line.Trim() == end)
            {
                inside = false;
                continue;
            }

            if (!inside || !line.StartsWith("    ", StringComparison.Ordinal))
            {
                continue;
            }

            var text = line.Trim();
            if (text.EndsWith('\\'))
            {
                pending.Append(text[..^1].TrimEnd()).Append(' ');
                continue;
            }

            commands.Add(pending.Append(text).ToString());
            pending.Clear();
        }

        return commands;
    }

    private static string FindReadme()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "README.md")) && File.Exists(Path.Combine(dir.FullName, "Mesh.sln")))
            {
                return Path.Combine(dir.FullName, "README.md");
            }
        }

        throw new FileNotFoundException("README.md next to Mesh.sln was not found above " + AppContext.BaseDirectory);
    }

    /// <summary>A <c>bin</c> folder whose <c>mesh</c> runs the built executable; returns its path.</summary>
    private static async Task<string> MeshOnPathAsync(string work)
    {
        var bin = Directory.CreateDirectory(Path.Combine(work, "bin")).FullName;
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";
        var meshScript = Path.Combine(bin, "mesh");
        await File.WriteAllTextAsync(meshScript, $"#!/bin/sh\nexec '{dotnet}' '{Path.Combine(AppContext.BaseDirectory, "mesh.dll")}' \"$@\"\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(meshScript, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return bin;
    }

    /// <summary><c>bash -c command</c> in the work folder, with <c>bin</c> (the built <c>mesh</c>) first on the PATH.</summary>
    private static ProcessStartInfo Bash(string command, string workingDirectory, string bin)
    {
        var start = new ProcessStartInfo("bash")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(command);
        start.Environment["PATH"] = bin + ":" + Environment.GetEnvironmentVariable("PATH");
        return start;
    }

    /// <summary>A long-running command (an agent), its output kept for the failure message.</summary>
    private static Process StartBash(string command, string workingDirectory, string bin, out StringBuilder output)
    {
        var start = Bash(command, workingDirectory, bin);
        var log = new StringBuilder();
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Append(log, e.Data);
        process.ErrorDataReceived += (_, e) => Append(log, e.Data);
        Assert.True(process.Start());
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        output = log;
        return process;
    }

    private static async Task<int> PeersAsync(HttpClient http)
    {
        try
        {
            using var peers = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync("/v1/status/peers"));
            return peers.RootElement.GetArrayLength();
        }
        catch (Exception error) when (error is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException)
        {
            return 0;
        }
    }

    private static async Task<Cli.Outcome> BashAsync(string command, string workingDirectory, string bin, string address)
    {
        var start = Bash(command, workingDirectory, bin);
        start.Environment["CONSUL_HTTP_ADDR"] = address;
        foreach (var inherited in new[] { "MESH_HTTP_ADDR", "MESH_HTTP_TOKEN", "CONSUL_HTTP_TOKEN", "MESH_HTTP_TOKEN_FILE", "CONSUL_HTTP_TOKEN_FILE", "CONSUL_GRPC_ADDR", "CONSUL_HTTP_SSL" })
        {
            start.Environment.Remove(inherited);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start bash");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var error = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return new Cli.Outcome(process.ExitCode, await output, await error);
    }

    private static async Task<string> MembersAsync(HttpClient http)
    {
        try
        {
            return await http.GetStringAsync("/v1/agent/members");
        }
        catch (Exception error) when (error is HttpRequestException or TaskCanceledException)
        {
            return string.Empty;
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
        catch (Exception error) when (error is HttpRequestException or TaskCanceledException)
        {
            return string.Empty;
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
