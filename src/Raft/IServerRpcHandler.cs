namespace Mesh.Raft;

/// <summary>
/// Answers server-RPC frames (the <c>M</c> protocol on the server port). The server core implements it; the Raft
/// server only frames the bytes. Given at construction, so there is no window in which RPCs have no handler.
/// </summary>
public interface IServerRpcHandler
{
    Task<byte[]> HandleAsync(byte[] frame, CancellationToken cancellationToken);
}
