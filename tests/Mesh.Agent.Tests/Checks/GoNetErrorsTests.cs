using System.Net.Sockets;
using Mesh.Agent.Checks;

namespace Mesh.Agent.Tests.Checks;

public sealed class GoNetErrorsTests
{
    [Theory]
    [InlineData("127.0.0.1:8080", "127.0.0.1", 8080)]
    [InlineData("[::1]:21000", "::1", 21000)]
    [InlineData("localhost:1", "localhost", 1)]
    public void TrySplitHostPort_ValidAddress_SplitsLikeGo(string address, string host, int port)
    {
        Assert.True(GoNetErrors.TrySplitHostPort(address, out var actualHost, out var actualPort));
        Assert.Equal(host, actualHost);
        Assert.Equal(port, actualPort);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.1:")]
    [InlineData(":80")]
    [InlineData("::1:80")]
    [InlineData("127.0.0.1:http")]
    [InlineData("127.0.0.1:70000")]
    public void TrySplitHostPort_InvalidAddress_IsRejected(string address)
        => Assert.False(GoNetErrors.TrySplitHostPort(address, out _, out _));

    [Fact]
    public void Dial_ConnectionRefused_ReadsLikeGo()
        => Assert.Equal(
            "dial tcp 127.0.0.1:1: connect: connection refused",
            GoNetErrors.Dial("127.0.0.1:1", new SocketException((int)SocketError.ConnectionRefused)));
}
