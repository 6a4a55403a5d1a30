using System.Net;
using Mesh.Testing;

namespace Mesh.Api.Tests.Support;

/// <summary>Asserts that a request is refused with a 4xx plain-text message and leaves the store exactly as it was.</summary>
public static class RejectionAssert
{
    public static async Task<ApiResult> RejectedAsync(
        TestServer server, HttpMethod method, string path, string? body, HttpStatusCode expected, string messagePart,
        Action<HttpRequestMessage>? configure = null)
    {
        var before = server.Digest();
        var result = await server.SendAsync(method, path, body, configure);
        Assert.True(result.Status == expected, $"{method} {path}: expected {(int)expected}, got {(int)result.Status}: {result.Body}");
        Assert.InRange((int)result.Status, 400, 499);
        Assert.Equal("text/plain", result.ContentType);
        Assert.Contains(messagePart, result.Body, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(before, server.Digest());
        return result;
    }
}
