using System.Text.Json.Nodes;
using BenchmarkDotNet.Attributes;
using Mesh.Config.ConfigEntries;
using Mesh.Config.Intentions;
using Mesh.Fsm;
using Mesh.Fsm.Commands;
using Mesh.Fsm.State;
using Mesh.Server;

namespace Mesh.Benchmarks;

/// <summary>
/// Authorize decisions (<c>/v1/agent/connect/authorize</c>'s evaluation) with 10,000 intentions in the store, built
/// through the real kind parser and FSM: "spread" is 1,000 destinations with 10 sources each plus a wildcard
/// destination; "one destination" puts all 10,000 sources on one service.
/// </summary>
[MemoryDiagnoser]
public class AuthorizeBenchmarks
{
    private readonly AgentIdentity _self = new()
    {
        NodeName = "bench", NodeId = Guid.Empty.ToString(), Datacenter = "dc1", AdvertiseAddress = "127.0.0.1",
        ServerEndPoint = new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 8300),
    };

    private StoreState _spread = StoreState.Empty;
    private StoreState _oneDestination = StoreState.Empty;

    [GlobalSetup]
    public void Setup()
    {
        _spread = Build(Enumerable.Range(0, 1000).Select(d => ($"svc-{d}", Enumerable.Range(0, 10).Select(s => $"client-{d}-{s}").ToList()))
            .Append(("*", ["ops"])));
        _oneDestination = Build([("db", [.. Enumerable.Range(0, 10_000).Select(s => $"client-{s}")])]);

        // Warm the per-entry parse cache, as a running server has.
        _ = IntentionDecision.Decide(_spread, "client-1-1", "svc-1", _self.DefaultIntentionPolicy);
        _ = IntentionDecision.Decide(_oneDestination, "client-1", "db", _self.DefaultIntentionPolicy);
    }

    private static StoreState Build(IEnumerable<(string Destination, List<string> Sources)> entries)
    {
        var fsm = new StateMachine();
        long index = 0;
        foreach (var (destination, sources) in entries)
        {
            var document = new JsonObject
            {
                ["Kind"] = "service-intentions",
                ["Name"] = destination,
                ["Sources"] = new JsonArray([.. sources.Select((source, i) => (JsonNode)new JsonObject
                {
                    ["Name"] = source,
                    ["Action"] = i % 2 == 0 ? "allow" : "deny",
                })]),
            };
            var entry = ConfigEntryKinds.Decode(document).ToEntry();
            var result = fsm.Apply(++index, new LogRecord { Command = new UpsertConfigEntryCommand { Entry = entry } });
            if (!result.Succeeded)
            {
                throw new InvalidOperationException(result.Error);
            }
        }

        return fsm.Current;
    }

    [Benchmark(Description = "spread: exact source match")]
    public bool SpreadExact() => IntentionDecision.Decide(_spread, "client-500-3", "svc-500", _self.DefaultIntentionPolicy).Allowed;

    [Benchmark(Description = "spread: falls to the wildcard destination")]
    public bool SpreadWildcard() => IntentionDecision.Decide(_spread, "ops", "svc-500", _self.DefaultIntentionPolicy).Allowed;

    [Benchmark(Description = "spread: no match, default policy")]
    public bool SpreadDefault() => IntentionDecision.Decide(_spread, "stranger", "svc-500", _self.DefaultIntentionPolicy).Allowed;

    [Benchmark(Description = "one destination with 10,000 sources")]
    public bool OneDestination() => IntentionDecision.Decide(_oneDestination, "client-9999", "db", _self.DefaultIntentionPolicy).Allowed;
}
