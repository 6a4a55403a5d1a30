using System.Text.Json;
using Mesh.LoadTest.Targets;

namespace Mesh.LoadTest.WriteCost;

/// <summary>
/// One server's CPU time (from /proc) and managed bytes allocated since start (the <c>consul.runtime.total_alloc_bytes</c>
/// gauge of <c>/v1/agent/metrics</c>) at one moment; deltas over N writes give the cost per write, whatever the load.
/// </summary>
public readonly record struct ServerCounters(TimeSpan Cpu, double AllocatedBytes)
{
    public static async Task<ServerCounters> ReadAsync(HttpClient http, ClusterMember member, CancellationToken cancellationToken)
    {
        var process = member.Process ?? throw new InvalidOperationException($"{member.Name} is not running");
        await using var body = await http.GetStreamAsync(new Uri(member.BaseAddress, "/v1/agent/metrics"), cancellationToken).ConfigureAwait(false);
        using var metrics = await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken).ConfigureAwait(false);
        var allocated = metrics.RootElement.GetProperty("Gauges").EnumerateArray()
            .First(g => g.GetProperty("Name").GetString() == "consul.runtime.total_alloc_bytes")
            .GetProperty("Value").GetDouble();
        return new ServerCounters(new ProcessProbe(process.Id).CpuTime(), allocated);
    }

    public static ServerCounters operator -(ServerCounters after, ServerCounters before)
        => new(after.Cpu - before.Cpu, after.AllocatedBytes - before.AllocatedBytes);

    public ServerCounters Subtract(ServerCounters before) => this - before;
}
