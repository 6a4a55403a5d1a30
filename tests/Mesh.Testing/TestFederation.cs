using Mesh.Agent.Hosting;

namespace Mesh.Testing;

/// <summary>
/// Two single-server datacenters on loopback, federated as operators do it: each server is started with its
/// datacenter name and the other's server port in <c>-retry-join-wan</c>, refreshed quickly so tests are short.
/// </summary>
public sealed class TestFederation : IAsyncDisposable
{
    private TestFederation(TestServer primary, TestServer secondary)
    {
        Primary = primary;
        Secondary = secondary;
    }

    /// <summary>dc1's server.</summary>
    public TestServer Primary { get; }

    /// <summary>dc2's server.</summary>
    public TestServer Secondary { get; }

    /// <summary>Starts dc1 and dc2 (each configured further by <paramref name="configure"/>) and waits until each knows the other.</summary>
    public static async Task<TestFederation> StartAsync(Func<AgentConfig, AgentConfig>? configure = null)
    {
        var ports = (Dc1: FreePort.Next(), Dc2: FreePort.Next());
        AgentConfig Federated(AgentConfig config, string datacenter, int own, int other)
        {
            config = config with
            {
                Datacenter = datacenter,
                ServerPort = own,
                RetryJoinWan = [$"127.0.0.1:{other}"],
                RetryIntervalWan = TimeSpan.FromMilliseconds(200),
            };
            return configure?.Invoke(config) ?? config;
        }

        var started = await Task.WhenAll(
            TestServer.StartAsync(config => Federated(config, "dc1", ports.Dc1, ports.Dc2)),
            TestServer.StartAsync(config => Federated(config, "dc2", ports.Dc2, ports.Dc1)));
        var federation = new TestFederation(started[0], started[1]);
        await TestCluster.WaitUntilAsync(
            () => federation.Primary.Server.Runtime.Wan!.Value.Knows("dc2") && federation.Secondary.Server.Runtime.Wan!.Value.Knows("dc1"),
            TimeSpan.FromSeconds(30),
            "dc1 and dc2 to learn each other's servers");
        return federation;
    }

    public async ValueTask DisposeAsync()
    {
        await Primary.DisposeAsync();
        await Secondary.DisposeAsync();
    }
}
