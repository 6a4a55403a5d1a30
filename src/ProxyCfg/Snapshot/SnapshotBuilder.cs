using Mesh.Api.Server;
using Mesh.Ca.Leaves;
using Mesh.Fsm.State;

namespace Mesh.ProxyCfg;

/// <summary>
/// Builds a proxy's <see cref="ConfigSnapshot"/> from one store state and its current leaf: pure, so the same inputs
/// give the same snapshot. The runtime (<see cref="ProxyConfigSource"/>) decides when to call it.
/// </summary>
public static class SnapshotBuilder
{
    /// <summary>The snapshot, or null when the proxy is not a connect-proxy in this state or the CA has no roots yet.</summary>
    public static ConfigSnapshot? Build(StoreState state, ProxyId id, IssuedLeaf leaf, AgentIdentity self)
        => throw new NotImplementedException($"{state.AppliedIndex} {id} {leaf.Service} {self.NodeName}");
}
