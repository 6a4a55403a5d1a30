namespace Mesh.Server.Access;

/// <summary>
/// The ACL token a request carries, whichever edge it came in by (HTTP headers, gRPC metadata, or a write forwarded
/// from a follower), so that the leader and every handler can check it against <see cref="IAccessPolicy"/>.
/// </summary>
public sealed record RequestToken(string SecretId)
{
    public static RequestToken Anonymous { get; } = new(string.Empty);

    /// <summary>
    /// The server's own writes (self-registration, CA rotation, TTL expiry). Consul's leader applies these without an
    /// ACL check; a follower forwards them over the server port, which is as trusted as Raft itself (mTLS with
    /// <c>tls.internal_rpc.verify_incoming</c>), so the leader accepts them unchecked too.
    /// </summary>
    public static RequestToken Server { get; } = new(string.Empty) { IsServer = true };

    public bool IsAnonymous => SecretId.Length == 0 && !IsServer;

    public bool IsServer { get; private init; }

    /// <summary>The token as sent on the wire (empty for anonymous), for forwarded writes.</summary>
    public static RequestToken FromSecret(string? secretId) => string.IsNullOrEmpty(secretId) ? Anonymous : new RequestToken(secretId);
}
