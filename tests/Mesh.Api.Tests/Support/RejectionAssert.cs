using System.Net;
using Mesh.Testing;

namespace Mesh.Api.Tests.Support;

/// <summary>
/// Asserts that a request is refused with a 4xx plain-text message and leaves every row of the store as it was. The
/// applied index may move: config-entry graph rules are decided inside the FSM apply, where a refusal is a no-op entry.
/// </summary>
public static class RejectionAssert
{
    public static async Task<ApiResult> RejectedAsync(
        TestServer server, HttpMethod method, string path, string? body, HttpStatusCode expected, string messagePart,
        Action<HttpRequestMessage>? configure = null)
    {
        var before = Mesh.Fsm.State.StoreSnapshotCodec.ContentDigest(server.Server.Fsm.Current);
        var result = await server.SendAsync(method, path, body, configure);
        Assert.True(result.Status == expected, $"{method} {path}: expected {(int)expected}, got {(int)result.Status}: {result.Body}");
        Assert.InRange((int)result.Status, 400, 499);
        Assert.Equal("text/plain", result.ContentType);
        Assert.Contains(messagePart, result.Body, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(before, Mesh.Fsm.State.StoreSnapshotCodec.ContentDigest(server.Server.Fsm.Current));
        return result;
    }
}
