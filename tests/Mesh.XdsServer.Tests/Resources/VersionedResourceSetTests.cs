using Mesh.XdsServer.Resources;
using static Mesh.XdsServer.Tests.Support.DeltaResources;

namespace Mesh.XdsServer.Tests.Resources;

public sealed class VersionedResourceSetTests
{
    [Fact]
    public void Version_EqualResources_AreEqualAndHexSha256()
    {
        var first = ResourceVersion.Of(Cluster("db"));
        var second = ResourceVersion.Of(Cluster("db"));

        Assert.Equal(first, second);
        Assert.Matches("^[0-9a-f]{64}$", first);
    }

    [Fact]
    public void Version_DifferentResources_Differ()
    {
        Assert.NotEqual(ResourceVersion.Of(Cluster("db", 5)), ResourceVersion.Of(Cluster("db", 6)));
    }

    [Fact]
    public void From_PacksEachResourceWithItsVersion()
    {
        var set = Sidecar();

        var db = set.Of(Cds)["db"];

        Assert.Equal("type.googleapis.com/envoy.config.cluster.v3.Cluster", db.Packed.TypeUrl);
        Assert.Equal(ResourceVersion.Of(Cluster("db")), db.Version);
        Assert.Equal(["db", "local_app"], set.Of(Cds).Keys);
        Assert.Empty(set.Of("type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret"));
    }

    [Fact]
    public void ChildrenOf_ClusterAndListener_AreEndpointsAndRdsRoutes()
    {
        var set = Sidecar();

        Assert.Equal(["db"], set.ChildrenOf(Cds, "db").ToArray());
        Assert.Equal(["db"], set.ChildrenOf(Lds, "db:127.0.0.1:9191").ToArray());
        Assert.Empty(set.ChildrenOf(Lds, "public_listener"));
        Assert.Empty(set.ChildrenOf(Eds, "db"));
    }
}
