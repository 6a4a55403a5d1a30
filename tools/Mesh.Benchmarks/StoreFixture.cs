using System.Collections.Concurrent;
using System.Diagnostics;
using Mesh.Fsm;
using Mesh.Fsm.Commands;
using Mesh.Fsm.State;

namespace Mesh.Benchmarks;

/// <summary>
/// A store of N service instances built through <see cref="StateMachine.Apply"/>, as live writes build it: N/10 nodes,
/// each with a node check and 10 instances, each instance with one service check. Three services have exactly 1, 10
/// and 100 instances (on distinct nodes); every other instance belongs to a filler service of 10 instances.
/// The state is immutable, so one build per size is shared by every benchmark case of the (in-process) run.
/// </summary>
public sealed class StoreFixture
{
    public const int InstancesPerNode = 10;
    public const int FixturePort = 8000;
    private const int SizedInstances = 1 + 10 + 100;

    private static readonly ConcurrentDictionary<int, Lazy<StoreFixture>> BySize = new();

    private StoreFixture(StoreState state, int nodeCount)
    {
        State = state;
        NodeCount = nodeCount;
    }

    public StoreState State { get; }

    public int NodeCount { get; }

    /// <summary>The service that has exactly 1, 10 or 100 instances.</summary>
    public static string ServiceWith(int instances) => instances is 1 or 10 or 100
        ? $"web-{instances}"
        : throw new ArgumentOutOfRangeException(nameof(instances), "the fixture has services of 1, 10 and 100 instances");

    public static StoreFixture Get(int instanceCount)
        => BySize.GetOrAdd(instanceCount, size => new Lazy<StoreFixture>(() => Build(size))).Value;

    private static StoreFixture Build(int instanceCount)
    {
        if (instanceCount < SizedInstances * InstancesPerNode)
        {
            throw new ArgumentOutOfRangeException(nameof(instanceCount), "the fixture needs at least 1,110 instances");
        }

        var started = Stopwatch.GetTimestamp();
        var nodeCount = instanceCount / InstancesPerNode;
        var fsm = new StateMachine();
        long index = 0;
        for (var node = 0; node < nodeCount; node++)
        {
            // One entry per node: the first command creates the node (with its ID and check), the rest add services.
            var commands = new List<Command>(InstancesPerNode);
            for (var slot = 0; slot < InstancesPerNode; slot++)
            {
                var instance = slot * nodeCount + node;
                commands.Add(CatalogRecords.Instance(node, ServiceOf(instance), InstanceId(instance), FixturePort, withNodeId: slot == 0, withNodeCheck: slot == 0));
            }

            var result = fsm.Apply(++index, CatalogRecords.Record(new BatchCommand { Commands = commands }));
            if (!result.Succeeded)
            {
                throw new InvalidOperationException($"fixture register refused: {result.Error}");
            }
        }

        Console.WriteLine($"// fixture: {instanceCount:N0} instances on {nodeCount:N0} nodes built in {Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s");
        return new StoreFixture(fsm.Current, nodeCount);
    }

    /// <summary>The node an instance lives on: consecutive instances land on different nodes.</summary>
    public int NodeOf(int instance) => instance % NodeCount;

    public static string InstanceId(int instance) => $"instance-{instance:D6}";

    public static string ServiceOf(int instance) => instance switch
    {
        0 => ServiceWith(1),
        < 11 => ServiceWith(10),
        < SizedInstances => ServiceWith(100),
        _ => $"svc-{(instance - SizedInstances) / 10:D5}",
    };
}
