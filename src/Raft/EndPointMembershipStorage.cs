using System.Net;
using DotNext.Buffers;
using DotNext.Net;
using DotNext.Net.Cluster.Consensus.Raft.Membership;

namespace Mesh.Raft;

/// <summary>Cluster membership persisted in a file beside the log, so a restarted server knows its peers.</summary>
internal sealed class EndPointMembershipStorage(string path) : PersistentClusterConfigurationStorage<EndPoint>(path)
{
    protected override void Encode(EndPoint address, ref BufferWriterSlim<byte> output) => output.WriteEndPoint(address);

    protected override EndPoint Decode(ref SequenceReader reader) => reader.ReadEndPoint();
}
