namespace Mesh.Raft.Transport;

/// <summary>
/// The first byte a client sends on the server port says which protocol follows, so one port carries both Raft
/// (DotNext's binary protocol) and Mesh's server RPC, as Consul's server port carries Raft and RPC.
/// </summary>
public static class ServerPortProtocol
{
    public const byte Raft = (byte)'R';
    public const byte Rpc = (byte)'M';
}
