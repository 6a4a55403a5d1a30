using Mesh.Server.Access;

namespace Mesh.ProxyCfg;

/// <summary>
/// What a proxyless (SotW) client's snapshot depends on, so clients that would get the same one share it (the node and
/// the service it declares, as go-control-plane keys its snapshots, plus the token its resources are filtered with).
/// A declared service decides the source for intentions whatever the node is called, so the node drops out of the
/// key then: every client declaring <c>web</c> with one token shares one snapshot. Without a declared service the node
/// ID counts, since a node ID that is a registered service's name names that service.
/// </summary>
public sealed record ProxylessKey
{
    private ProxylessKey(string nodeId, string? declaredService, RequestToken token)
    {
        NodeId = nodeId;
        DeclaredService = declaredService;
        Token = token;
    }

    /// <summary>The client's node.id; empty when it declared a service (then it does not matter).</summary>
    public string NodeId { get; }

    /// <summary>The service the client declared (node metadata <c>service</c>), if any.</summary>
    public string? DeclaredService { get; }

    /// <summary>The stream's ACL token (anonymous when ACLs are off, so every client shares).</summary>
    public RequestToken Token { get; }

    public static ProxylessKey Of(string nodeId, string? declaredService, RequestToken token)
    {
        ArgumentNullException.ThrowIfNull(nodeId);
        ArgumentNullException.ThrowIfNull(token);
        return new ProxylessKey(declaredService is null ? nodeId : string.Empty, declaredService, token);
    }

    /// <summary>This key for a server whose ACLs are off: the token does not change what is seen.</summary>
    internal ProxylessKey WithoutToken() => new(NodeId, DeclaredService, RequestToken.Anonymous);

    /// <summary>Never prints the token's secret.</summary>
    public override string ToString() => DeclaredService is null ? "node " + NodeId : "service " + DeclaredService;
}
