namespace Mesh.Connect.Tests;

public sealed class SpiffeIdTests
{
    [Fact]
    public void Parse_ServiceUri_ReadsEverySegment()
    {
        var id = SpiffeId.TryParse("spiffe://11111111-2222-3333-4444-555555555555.consul/ns/default/dc/dc1/svc/web");
        Assert.NotNull(id);
        Assert.Equal("11111111-2222-3333-4444-555555555555.consul", id.TrustDomain);
        Assert.Equal(("default", "dc1", "web", "default"), (id.Namespace, id.Datacenter, id.Service, id.Partition));
        Assert.Equal("spiffe://11111111-2222-3333-4444-555555555555.consul/ns/default/dc/dc1/svc/web", id.ToString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("https://x.consul/ns/default/dc/dc1/svc/web")]
    [InlineData("spiffe://x.consul/agent/client/dc/dc1/id/abc")]
    [InlineData("spiffe://x.consul/ns/default/dc/dc1/svc/")]
    [InlineData("spiffe://x.consul")]
    public void Parse_NotAServiceUri_IsNull(string? uri) => Assert.Null(SpiffeId.TryParse(uri));

    [Fact]
    public void SameServiceAs_IgnoresTrustDomainAndCase_ButNotServiceOrDatacenter()
    {
        var db = new SpiffeId("a.consul", "default", "dc1", "db");
        Assert.True(db.SameServiceAs(new SpiffeId("b.consul", "Default", "DC1", "DB")));
        Assert.False(db.SameServiceAs(new SpiffeId("a.consul", "default", "dc1", "web")));
        Assert.False(db.SameServiceAs(new SpiffeId("a.consul", "default", "dc2", "db")));
    }

    [Theory]
    [InlineData("db.service.consul", "db")]
    [InlineData("db.service.dc1.consul", "db")]
    [InlineData("db", "db")]
    public void ServiceFromHost_ReadsConsulNames(string host, string service) => Assert.Equal(service, ConnectService.ServiceFromHost(host));
}
