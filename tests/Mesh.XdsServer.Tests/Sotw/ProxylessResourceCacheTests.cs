using Google.Protobuf;
using Mesh.EnvoyResources.Proxyless;
using Mesh.Fsm;
using Mesh.Fsm.Commands;
using Mesh.Fsm.Model;
using Mesh.ProxyCfg;
using Mesh.Server;
using Mesh.Server.Access;
using Mesh.Xds;
using Mesh.XdsServer.Resources;

namespace Mesh.XdsServer.Tests.Sotw;

public class ProxylessResourceCacheTests
{
    private static readonly AgentIdentity Self = new()
    {
        NodeName = "s1",
        NodeId = "00000000-0000-0000-0000-000000000001",
        Datacenter = "dc1",
        AdvertiseAddress = "127.0.0.1",
        ServerEndPoint = new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 8300),
    };

    [Fact]
    public void Resolve_SameSnapshotTwice_SharesThePackedResources_NewSnapshotBuildsAfresh()
    {
        var fsm = new StateMachine();
        var result = fsm.Apply(1, new LogRecord
        {
            Command = new RegisterCommand
            {
                Node = "n1", Address = "127.0.0.1", Datacenter = "dc1",
                Service = new NodeService { Id = "greeter-1", Service = "greeter", Address = "127.0.0.1", Port = 50051 },
            },
        });
        Assert.True(result.Succeeded, result.Error);
        var key = ProxylessKey.Of("client", null, RequestToken.Anonymous);
        var snapshot = ProxylessSnapshotBuilder.Build(fsm.Current, key, Self, AllowAllPolicy.Instance);
        var cache = new ProxylessResourceCache();
        var names = new ResourceSubscription(false, new HashSet<string> { "greeter", "missing" });

        var first = cache.Resolve(snapshot, XdsTypeUrls.ClusterLoadAssignment, names);
        var second = cache.Resolve(snapshot, XdsTypeUrls.ClusterLoadAssignment, names);
        var rebuilt = cache.Resolve(ProxylessSnapshotBuilder.Build(fsm.Current, key, Self, AllowAllPolicy.Instance), XdsTypeUrls.ClusterLoadAssignment, names);

        var only = Assert.Single(first);
        Assert.Same(only, Assert.Single(second));
        Assert.NotSame(only, Assert.Single(rebuilt));
        Assert.Equal(only.Encoded, rebuilt[0].Encoded);
        Assert.Equal(only.Packed.ToByteArray(), only.Encoded);
    }
}
