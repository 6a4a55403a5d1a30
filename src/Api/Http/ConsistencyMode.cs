namespace Mesh.Api.Http;

/// <summary>Consul's read consistency modes.</summary>
public enum ConsistencyMode
{
    /// <summary>Served by the leader (a follower waits until it has applied the leader's commit index).</summary>
    Default,

    /// <summary>Any server answers from its local state, once it has heard from a leader.</summary>
    Stale,

    /// <summary>A quorum-confirmed read barrier before every read.</summary>
    Consistent,
}
