namespace Mesh.LoadTest.Cluster;

/// <summary>
/// One leader kill: from the SIGKILL until a survivor reports a different leader, and until a write through a survivor
/// is acknowledged (the number that matters to clients).
/// </summary>
public sealed record ElectionResult(string Target, int Attempt, string KilledLeader, string NewLeader, double NewLeaderSeenMilliseconds, double WriteAcknowledgedMilliseconds);
