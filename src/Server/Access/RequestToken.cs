namespace Mesh.Server.Access;

/// <summary>
/// The ACL token a request carries, whichever edge it came in by (HTTP headers, gRPC metadata, or a write forwarded
/// from a follower), so that the leader and every handler can check it against <see cref="IAccessPolicy"/>.
/// </summary>
public sealed record RequestToken(string SecretId)
{
    public static RequestToken Anonymous { get; } = new(string.Empty);

    public bool IsAnonymous => SecretId.Length == 0;

    /// <summary>The token as sent on the wire (empty for anonymous), for forwarded writes.</summary>
    public static RequestToken FromSecret(string? secretId) => string.IsNullOrEmpty(secretId) ? Anonymous : new RequestToken(secretId);
}
