using Mesh.Fsm.Model;

namespace Mesh.Server;

/// <summary>Passes a TTL heartbeat seen on a follower to the leader, which decides expiry.</summary>
public interface ITtlHeartbeatForwarder
{
    /// <summary>Fire and forget: a lost heartbeat only shortens one TTL, because a new leader resets every deadline.</summary>
    void Forward(HealthCheck check);
}
