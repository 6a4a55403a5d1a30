using Mesh.Fsm.Model;
using Mesh.Fsm.State;

namespace Mesh.Agent.Checks;

/// <summary>
/// Consul's DeregisterCriticalServiceAfter: remembers since when each service check on this node has been critical (as
/// this server observed it) and names the services whose check stayed critical longer than its limit.
/// </summary>
internal sealed class CriticalServiceReaper
{
    private readonly Dictionary<string, DateTimeOffset> _criticalSince = new(StringComparer.Ordinal);

    /// <summary>Service IDs to deregister now, each with the check that condemned it.</summary>
    public IReadOnlyList<(string ServiceId, string CheckId)> Due(StoreState state, string selfNode, DateTimeOffset now)
    {
        var due = new List<(string, string)>();
        var live = new HashSet<string>(StringComparer.Ordinal);
        foreach (var check in state.ChecksOnNode(selfNode))
        {
            if (check.ServiceId.Length == 0 || CheckTiming.DeregisterAfter(check) is not { } limit)
            {
                continue;
            }

            var key = check.ServiceId + "\n" + check.CheckId;
            if (check.Status != HealthStatus.Critical)
            {
                continue;
            }

            live.Add(key);
            if (!_criticalSince.TryGetValue(key, out var since))
            {
                _criticalSince[key] = since = now;
            }

            if (now - since > limit && !due.Exists(d => d.Item1 == check.ServiceId))
            {
                due.Add((check.ServiceId, check.CheckId));
            }
        }

        // A check that recovered or disappeared starts from zero next time it goes critical.
        foreach (var key in _criticalSince.Keys.Where(k => !live.Contains(k)).ToList())
        {
            _criticalSince.Remove(key);
        }

        return due;
    }
}
