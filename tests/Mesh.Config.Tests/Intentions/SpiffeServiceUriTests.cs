using Mesh.Config.Intentions;

namespace Mesh.Config.Tests.Intentions;

public sealed class SpiffeServiceUriTests
{
    [Fact]
    public void Parse_ServiceId_ReadsEverySegment()
    {
        var uri = SpiffeServiceUri.Parse("spiffe://11111111-2222-3333-4444-555555555555.consul/ns/default/dc/dc1/svc/web", out var error);
        Assert.Null(error);
        Assert.Equal(new SpiffeServiceUri("11111111-2222-3333-4444-555555555555.consul", "default", "default", "dc1", "web"), uri);
    }

    [Fact]
    public void Parse_PartitionAndEscapedSegments_AreDecoded()
    {
        var uri = SpiffeServiceUri.Parse("spiffe://td.consul/ap/part/ns/default/dc/dc1/svc/my%20svc", out _);
        Assert.Equal("part", uri!.Partition);
        Assert.Equal("my svc", uri.Service);
    }

    [Theory]
    [InlineData(null, "not a valid Connect identifier")]
    [InlineData("", "not a valid Connect identifier")]
    [InlineData("web", "not a valid Connect identifier")]
    [InlineData("https://td.consul/ns/default/dc/dc1/svc/web", "not a valid Connect identifier")]
    [InlineData("spiffe:///ns/default/dc/dc1/svc/web", "not a valid Connect identifier")]
    [InlineData("spiffe://td.consul/ns/default/dc/dc1/svc/", "not a valid Connect identifier")]
    [InlineData("spiffe://td.consul/ns/default/svc/web", "not a valid Connect identifier")]
    [InlineData("spiffe://td.consul/ns/default/dc/dc1/svc/web/extra", "not a valid Connect identifier")]
    [InlineData("spiffe://td.consul/agent/client/dc/dc1/id/node-1", "not a valid Service identifier")]
    [InlineData("spiffe://td.consul/gateway/mesh/dc/dc1", "not a valid Service identifier")]
    [InlineData("spiffe://td.consul", "not a valid Service identifier")]
    public void Parse_NotAServiceId_ReturnsNullWithConsulMessage(string? input, string message)
    {
        Assert.Null(SpiffeServiceUri.Parse(input, out var error));
        Assert.Equal($"ClientCertURI {message}", error);
    }
}
