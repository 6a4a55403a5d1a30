using Mesh.Fsm.State;
using Mesh.Testing;

namespace Mesh.Api.Tests.Support;

/// <summary>Digests of a test server's store.</summary>
public static class StoreDigest
{
    /// <summary>
    /// The digest of the store's rows without its applied index. A write the state machine refuses (a node ID owned by
    /// another node, say) still uses up a Raft log entry, which moves the applied index and so <see cref="TestServer.Digest"/>,
    /// while every row stays as it was; this is the digest to compare for such refusals.
    /// </summary>
    public static string DataDigest(this TestServer server)
        => StoreSnapshotCodec.Digest(server.Server.Fsm.Current with { AppliedIndex = 0 });
}
