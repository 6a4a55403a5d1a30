using System.Globalization;
using Mesh.LoadTest.Load;
using Mesh.LoadTest.Targets;

namespace Mesh.LoadTest.WriteCost;

/// <summary>
/// Issue 18 item 3: managed bytes allocated and CPU time per write on each server of a 3-server mesh cluster, by role.
/// For each round and binary (<c>--mesh-bin a,b</c>, interleaved), a fresh cluster; warm-up writes through the leader
/// and a follower (JIT), then <c>--writes</c> writes through the leader, then as many through one follower. Each phase
/// reads every server's CPU (/proc) and allocated bytes (<c>consul.runtime.total_alloc_bytes</c>) before and after and
/// divides by the acknowledged writes: allocations per write do not depend on how loaded the machine is.
/// </summary>
public static class WriteCostCommand
{
    public static async Task<int> RunAsync(ToolOptions options, CancellationToken cancellationToken)
    {
        options.RejectUnknown("writes", "warmup-writes", "clients", "rounds", "mesh-bin");
        var writes = options.Number("writes", 4000);
        var warmupWrites = options.Number("warmup-writes", 3000);
        var clients = options.Number("clients", 16);
        var rounds = options.Number("rounds", 1);
        var binaries = options.List("mesh-bin", TargetLauncher.DefaultMeshBinary());
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Cost per write by server role, 3-server mesh cluster, {clients} clients, {warmupWrites} warm-up + {writes} measured writes per phase, {Environment.ProcessorCount} cores, load before {LoadAverage.Read()}"));
        Console.WriteLine(string.Join("; ", binaries.Select((path, index) => string.Create(CultureInfo.InvariantCulture, $"binary {index}: {path}"))));
        Console.WriteLine("| round | binary | writes sent to | server | KiB allocated / write | CPU µs / write |");
        Console.WriteLine("| ---: | --- | --- | --- | ---: | ---: |");
        var failed = false;
        for (var round = 1; round <= rounds; round++)
        {
            for (var b = 0; b < binaries.Count; b++)
            {
                var binary = binaries[b];
                await using var cluster = await MeshCluster.StartAsync("mesh", binary, 3, tls: null, cancellationToken).ConfigureAwait(false);
                using var probe = cluster.CreateProbeClient();
                var leader = await cluster.LeaderSeenByAsync(probe, cluster.Members[0], cancellationToken).ConfigureAwait(false)
                    ?? throw new InvalidOperationException("no leader after the cluster formed");
                var followers = cluster.Members.Where(m => m != leader).ToList();
                using var load = new LoadHttpClient(leader.BaseAddress, clients, TimeSpan.FromSeconds(30));
                long sequence = 0;

                async Task<bool> PhaseAsync(string name, ClusterMember entry, IReadOnlyDictionary<ClusterMember, string> roles, long count, bool report)
                {
                    var before = new Dictionary<ClusterMember, ServerCounters>();
                    foreach (var member in cluster.Members)
                    {
                        before[member] = await ServerCounters.ReadAsync(probe, member, cancellationToken).ConfigureAwait(false);
                    }

                    var (acknowledged, error) = await FixedWrites.SendAsync(load.Http, cluster, entry, clients, count, sequence, cancellationToken).ConfigureAwait(false);
                    sequence += count;
                    if (error is not null)
                    {
                        await Console.Error.WriteLineAsync($"{name}: {count - acknowledged} of {count} writes failed, first: {error}").ConfigureAwait(false);
                    }

                    if (!report || acknowledged == 0)
                    {
                        return error is null;
                    }

                    double kib = 0, micros = 0;
                    foreach (var member in cluster.Members)
                    {
                        var cost = await ServerCounters.ReadAsync(probe, member, cancellationToken).ConfigureAwait(false) - before[member];
                        var memberKib = cost.AllocatedBytes / 1024 / acknowledged;
                        var memberMicros = cost.Cpu.TotalMicroseconds / acknowledged;
                        kib += memberKib;
                        micros += memberMicros;
                        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {round} | {b} | {name} | {roles[member]} | {memberKib:0.0} | {memberMicros:0} |"));
                    }

                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {round} | {b} | {name} | **all three** | **{kib:0.0}** | **{micros:0}** |"));
                    return error is null;
                }

                var viaLeader = new Dictionary<ClusterMember, string> { [leader] = "leader (HTTP + propose)", [followers[0]] = "follower (replicates)", [followers[1]] = "follower (replicates) " };
                var viaFollower = new Dictionary<ClusterMember, string> { [leader] = "leader (forwarded writes)", [followers[0]] = "follower (HTTP + forwards + replicates)", [followers[1]] = "follower (replicates)" };
                failed |= !await PhaseAsync("warm-up", leader, viaLeader, warmupWrites, report: false).ConfigureAwait(false);
                failed |= !await PhaseAsync("warm-up", followers[0], viaFollower, warmupWrites, report: false).ConfigureAwait(false);
                failed |= !await PhaseAsync("leader", leader, viaLeader, writes, report: true).ConfigureAwait(false);
                failed |= !await PhaseAsync("follower", followers[0], viaFollower, writes, report: true).ConfigureAwait(false);
            }
        }

        Console.WriteLine($"load average after: {LoadAverage.Read()}");
        return failed ? 1 : 0;
    }
}
