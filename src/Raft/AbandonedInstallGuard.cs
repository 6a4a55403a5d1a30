using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Reflection;
using DotNext.Net.Cluster.Consensus.Raft;
using Microsoft.Extensions.Logging;

namespace Mesh.Raft;

/// <summary>
/// Breaks a replication dead end of DotNext 6.12 (issue 10, "stuck at a snapshot index"). When the leader's install of
/// its snapshot S takes longer than the request timeout, the leader gives up on it, but the follower completes it and
/// its commit index becomes S. From then on the follower rejects every install of S (6.12 accepts a snapshot only past
/// its commit index, and the rejection neither resets its election timer nor names the leader), while the leader only
/// lowers its next index for that follower after a rejection, so every later round reads from at or below S and offers
/// S again. The follower never catches up and knows no leader, for good.
/// <para>
/// The Raft paper's answer is that a follower already holding the snapshot's last entry replies success; 6.12's
/// follower path cannot be changed from outside, so the leader side is: a follower whose next index has stayed at or
/// below the leader's snapshot for two checks in a row is sent entries from just past the snapshot instead. That is
/// always safe: AppendEntries carries the snapshot's index and term as the previous entry, so a follower that does not
/// have it rejects and the leader goes back to installing the snapshot, one round trip later.
/// </para>
/// <para>
/// DotNext keeps the next index in a private field of <see cref="RaftClusterMember"/>, reached here by reflection on
/// 6.12's layout (DotNext is pinned); if the layout is not found the guard does nothing and says so once.
/// </para>
/// </summary>
internal sealed partial class AbandonedInstallGuard
{
    private readonly FieldInfo _state;
    private readonly FieldInfo _nextIndex;
    private readonly ILogger _logger;
    private readonly Dictionary<EndPoint, long> _suspects = [];

    private AbandonedInstallGuard(FieldInfo state, FieldInfo nextIndex, ILogger logger)
    {
        _state = state;
        _nextIndex = nextIndex;
        _logger = logger;
    }

    /// <summary>How often the leader looks at its followers' next indexes.</summary>
    public static TimeSpan Period { get; } = TimeSpan.FromSeconds(1);

    [UnconditionalSuppressMessage("Trimming", "IL2075", Justification = "DotNext is pinned at 6.12 and not trimmed; a missing field disables the guard.")]
    public static AbandonedInstallGuard? TryCreate(ILogger logger)
    {
        var state = typeof(RaftClusterMember).GetField("state", BindingFlags.Instance | BindingFlags.NonPublic);
        var nextIndex = state?.FieldType.GetField("NextIndex", BindingFlags.Instance | BindingFlags.Public);
        if (state is null || nextIndex is null || nextIndex.FieldType != typeof(long))
        {
            Log.Unavailable(logger);
            return null;
        }

        return new AbandonedInstallGuard(state, nextIndex, logger);
    }

    /// <summary>One check on the leader: <paramref name="snapshotIndex"/> is the leader's latest snapshot.</summary>
    public void Check(IEnumerable<RaftClusterMember> members, long snapshotIndex)
    {
        foreach (var member in members)
        {
            if (!member.IsRemote)
            {
                continue;
            }

            var state = TypedReference.MakeTypedReference(member, [_state]);
            var next = (long)_nextIndex.GetValueDirect(state)!;
            if (snapshotIndex == 0 || next > snapshotIndex)
            {
                _suspects.Remove(member.EndPoint);
                continue;
            }

            if (!_suspects.Remove(member.EndPoint))
            {
                _suspects[member.EndPoint] = next;
                continue;
            }

            // The replication loop writes this field too; a plain 64-bit write cannot tear, and whichever write lands
            // last is corrected by the next reply (success moves it past the entries sent, rejection lowers it).
            _nextIndex.SetValueDirect(state, snapshotIndex + 1);
            Log.Probing(_logger, member.EndPoint, snapshotIndex, next);
        }
    }

    /// <summary>Forgets what it saw (this server stopped leading: the next leader starts from its own last index).</summary>
    public void Reset() => _suspects.Clear();

    private static partial class Log
    {
        [LoggerMessage(EventId = 1006, Level = LogLevel.Warning, Message = "Follower {Member} was offered the snapshot at {SnapshotIndex} again and again (its next index stayed at {NextIndex}): it probably completed an install this leader gave up on; sending it entries past the snapshot instead")]
        public static partial void Probing(ILogger logger, EndPoint member, long snapshotIndex, long nextIndex);

        [LoggerMessage(EventId = 1007, Level = LogLevel.Warning, Message = "DotNext's replication state was not found where 6.12 keeps it; a follower that completes a snapshot install after the leader gave up on it will not be caught up (issue 10)")]
        public static partial void Unavailable(ILogger logger);
    }
}
