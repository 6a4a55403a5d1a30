using System.Net;
using Mesh.Ca;
using Mesh.Raft;
using Mesh.Server.Hosting;
using Mesh.Server.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mesh.Server.Tests.Hosting;

public sealed class AddMeshServerTests : IDisposable
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "mesh-compose-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task EveryPartIsWiredAtConstruction_NothingLeftToSetLater()
    {
        await using var provider = Compose().BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });

        var runtime = provider.GetRequiredService<ServerRuntime>();
        Assert.NotNull(runtime.Ca);
        Assert.NotNull(runtime.Cluster);
        Assert.Same(provider.GetRequiredService<CaRuntime>(), runtime.Ca);
        Assert.Same(provider.GetRequiredService<RaftServer>(), runtime.Raft);
        Assert.Same(runtime.Fsm, provider.GetRequiredService<ICaHost>().Fsm);
        Assert.NotNull(provider.GetRequiredService<ServerMetrics>());
    }

    [Fact]
    public async Task BackgroundLoopsAreHostedServices_InStartOrder()
    {
        await using var provider = Compose().BuildServiceProvider();

        var names = provider.GetServices<IHostedService>().Select(s => s.GetType().Name).ToList();

        Assert.Equal(
            ["RaftStartService", "ClusterJoinService", "ServerMonitorService", "WanFederationService", "TtlExpiryService", "SelfRegistrationService", "ServerCatalogService", "CaLeaderService", "GatewayStatusService"],
            names);
    }

    [Fact]
    public async Task TwoServersInOneProcess_ShareNothing()
    {
        await using var first = Compose().BuildServiceProvider();
        await using var second = Compose().BuildServiceProvider();

        Assert.NotSame(first.GetRequiredService<ServerRuntime>(), second.GetRequiredService<ServerRuntime>());
        Assert.NotSame(first.GetRequiredService<ServerRuntime>().Fsm, second.GetRequiredService<ServerRuntime>().Fsm);
    }

    public void Dispose()
    {
        if (Directory.Exists(_dataDir))
        {
            Directory.Delete(_dataDir, recursive: true);
        }
    }

    private ServiceCollection Compose()
    {
        var services = new ServiceCollection();
        services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        var endPoint = new IPEndPoint(IPAddress.Loopback, 0);
        services.AddMeshServer(new MeshServerOptions
        {
            Raft = new RaftServerOptions { DataDirectory = Path.Combine(_dataDir, Guid.NewGuid().ToString("N")), EndPoint = endPoint, Bootstrap = true },
            Identity = new AgentIdentity
            {
                NodeName = "n1",
                NodeId = Guid.NewGuid().ToString(),
                Datacenter = "dc1",
                AdvertiseAddress = "127.0.0.1",
                ServerEndPoint = endPoint,
            },
        });
        return services;
    }
}
