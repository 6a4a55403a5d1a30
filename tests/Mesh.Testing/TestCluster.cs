using System.Net;
using Mesh.Agent.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mesh.Testing;

/// <summary>
/// An in-process cluster of real Mesh servers on loopback (each with its own data folder, server port, HTTP port),
/// formed the way operators form one: <c>-bootstrap-expect=N</c> plus <c>-retry-join</c> of every server.
/// </summary>
public sealed class TestCluster : IAsyncDisposable
{
    private readonly List<TempDirectory> _directories = [];

    private TestCluster()
    {
    }

    public List<TestServer?> Servers { get; } = [];

    public List<AgentConfig> Configs { get; } = [];

    public IEnumerable<TestServer> Running => Servers.OfType<TestServer>();

    public static async Task<TestCluster> StartAsync(int size, Func<AgentConfig, AgentConfig>? configure = null, ILoggerFactory? loggerFactory = null)
    {
        var cluster = new TestCluster();
        var serverPorts = Enumerable.Range(0, size).Select(_ => FreePort.Next()).ToList();
        var joins = serverPorts.Select(p => $"127.0.0.1:{p}").ToList();
        for (var i = 0; i < size; i++)
        {
            var directory = new TempDirectory("mesh-cluster");
            cluster._directories.Add(directory);
            var config = new AgentConfig
            {
                Server = true,
                NodeName = $"server-{i + 1}",
                DataDir = directory.Path,
                ServerPort = serverPorts[i],
                HttpPort = FreePort.Next(),
                GrpcPort = FreePort.Next(),
                BootstrapExpect = size,
                RetryJoin = joins,
                RetryInterval = TimeSpan.FromMilliseconds(200),
                Autopilot = new Mesh.Server.Cluster.AutopilotOptions { Interval = TimeSpan.FromMilliseconds(250) },
            };
            cluster.Configs.Add(configure?.Invoke(config) ?? config);
        }

        var started = await Task.WhenAll(cluster.Configs.Select(config => TestServer.StartUnreadyAsync(config, loggerFactory ?? NullLoggerFactory.Instance)));
        cluster.Servers.AddRange(started);
        await cluster.WaitForMembersAsync(size, TimeSpan.FromSeconds(60));
        return cluster;
    }

    /// <summary>Adds a server that joins the running cluster through <c>-retry-join</c> (no bootstrap-expect).</summary>
    public async Task<TestServer> AddServerAsync(ILoggerFactory? loggerFactory = null, Func<AgentConfig, AgentConfig>? configure = null)
    {
        var directory = new TempDirectory("mesh-cluster");
        _directories.Add(directory);
        var config = Configs[0] with
        {
            NodeName = $"server-{Configs.Count + 1}",
            DataDir = directory.Path,
            ServerPort = FreePort.Next(),
            HttpPort = FreePort.Next(),
            GrpcPort = FreePort.Next(),
            HttpsPort = Configs[0].HttpsPort > 0 ? FreePort.Next() : -1,
            GrpcTlsPort = Configs[0].GrpcTlsPort > 0 ? FreePort.Next() : -1,
            BootstrapExpect = 0,
            RetryJoin = [.. Running.Select(s => $"127.0.0.1:{s.Server.Config.ServerPort}")],
        };
        config = configure?.Invoke(config) ?? config;
        Configs.Add(config);
        var server = await TestServer.StartUnreadyAsync(config, loggerFactory ?? NullLoggerFactory.Instance);
        Servers.Add(server);
        return server;
    }

    public TestServer Leader => Running.FirstOrDefault(s => s.Server.Raft.IsLeader)
        ?? throw new InvalidOperationException("No leader right now");

    public IEnumerable<TestServer> Followers => Running.Where(s => !s.Server.Raft.IsLeader);

    /// <summary>Waits until every running server knows the same leader and the configuration has this many members.</summary>
    public async Task WaitForMembersAsync(int members, TimeSpan timeout)
    {
        await WaitUntilAsync(() =>
        {
            var leaders = Running.Select(s => s.Server.Raft.Leader?.ToString()).Distinct().ToList();
            return leaders.Count == 1 && leaders[0] is not null
                   && Running.All(s => s.Server.Raft.Members.Count == members)
                   && Running.All(s => s.Server.Fsm.Current.FindCheck(s.NodeName, "serfHealth") is not null);
        }, timeout, "cluster to form");
    }

    /// <summary>Waits until every running server has applied the same index, then returns their digests.</summary>
    public async Task<IReadOnlyList<(long Index, string Digest)>> SettledDigestsAsync(TimeSpan timeout)
    {
        await WaitUntilAsync(() => Running.Select(s => s.Server.Fsm.Current.AppliedIndex).Distinct().Count() == 1, timeout, "servers to apply the same index");
        return [.. Running.Select(s => (s.Server.Fsm.Current.AppliedIndex, s.Digest()))];
    }

    /// <summary>Stops a server abruptly-as-possible in process (its data folder stays for a restart).</summary>
    public async Task StopAsync(TestServer server)
    {
        var index = Servers.IndexOf(server);
        Servers[index] = null;
        await server.DisposeAsync();
    }

    /// <summary>Starts a stopped server again from its data folder.</summary>
    public async Task<TestServer> RestartAsync(int index, ILoggerFactory? loggerFactory = null)
    {
        var server = await TestServer.StartUnreadyAsync(Configs[index], loggerFactory ?? NullLoggerFactory.Instance);
        Servers[index] = server;
        return server;
    }

    public static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0}s waiting for {what}");
            }

            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var server in Running.ToList())
        {
            await server.DisposeAsync();
        }

        foreach (var directory in _directories)
        {
            directory.Dispose();
        }
    }
}
