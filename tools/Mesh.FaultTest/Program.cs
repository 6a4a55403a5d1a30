using Mesh.FaultTest;
using Mesh.FaultTest.Faults;
using Mesh.FaultTest.Fuzz;
using Mesh.LoadTest;

const string Usage = """
    Usage: Mesh.FaultTest <command> [--option value ...]

      faults   real mesh server processes under faults, with a linearizability check of ?consistent catalog reads
               and the fuzzy-test invariants (equal digests at one index, every acknowledged write on every server)
               --seed 1 --duration 1800 (seconds; no new round after it) --rounds 0 (0: whole plan)
               --plan leader-kill=100,follower-kill=10,pause=15,partition=12,cluster-crash=5,removed-returns=3,wal-truncation=4,disk-full=3
               --network auto|netns|loopback (auto: namespaces when root) --servers 3 --snapshot-threshold 1024
               --writers 4 --readers 3 --durable-writers 2 --keep-data false
               --dead-server-threshold N  autopilot.dead_server_threshold in seconds (default: the product's 30 s)
      fuzz     structure-aware HTTP API fuzzer against one fresh mesh server process: no 5xx, and a rejected write
               leaves the state digest unchanged
               --seed 1 --cases 10000 --duration 1200

      --mesh-bin PATH   mesh.dll (default: the one built next to this tool)
    Every run is bounded; servers, namespaces and mounts are removed at the end, also on failure or Ctrl-C.
    """;

if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
{
    Console.Error.WriteLine(Usage);
    return args.Length == 0 ? 2 : 0;
}

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

try
{
    var options = ToolOptions.Parse(args[1..]);
    var meshDll = options.Text("mesh-bin") ?? Path.Combine(AppContext.BaseDirectory, "mesh.dll");
    switch (args[0])
    {
        case "faults":
        {
            options.RejectUnknown("seed", "duration", "rounds", "plan", "network", "servers", "snapshot-threshold", "writers", "readers", "durable-writers", "keep-data", "dead-server-threshold", "mesh-bin");
            var run = new FaultRunOptions
            {
                Seed = options.Number("seed", 1),
                Duration = options.Seconds("duration", 1800),
                Rounds = options.Number("rounds", 0),
                Plan = options.Text("plan", FaultRunOptions.DefaultPlan),
                Network = options.Text("network", "auto"),
                Servers = options.Number("servers", 3),
                SnapshotThreshold = options.Number("snapshot-threshold", 1024),
                Writers = options.Number("writers", 4),
                Readers = options.Number("readers", 3),
                DurableWriters = options.Number("durable-writers", 2),
                KeepData = options.Text("keep-data", "false") == "true",
                DeadServerThreshold = options.Text("dead-server-threshold") is null ? null : options.Seconds("dead-server-threshold", 30),
                MeshDll = meshDll,
            };

            // Hard bound: the rounds' duration plus time for recovery, checks and cleanup.
            stop.CancelAfter(run.Duration + TimeSpan.FromMinutes(15));
            var result = await FaultRun.RunAsync(run, Console.WriteLine, stop.Token);
            Console.WriteLine();
            Console.WriteLine(FaultSummary.Render(result));
            return result.Passed ? 0 : 1;
        }

        case "fuzz":
        {
            options.RejectUnknown("seed", "cases", "duration", "mesh-bin");
            var duration = options.Seconds("duration", 1200);
            stop.CancelAfter(duration + TimeSpan.FromMinutes(5));
            await using var server = await FuzzServer.StartAsync(meshDll, stop.Token);
            var result = await HttpFuzzer.RunAsync(server.HttpAddress, options.Number("seed", 1), options.Number("cases", 10_000), duration, Console.WriteLine, stop.Token);
            Console.WriteLine();
            Console.WriteLine(FuzzSummary.Render(result));
            return result.Passed ? 0 : 1;
        }

        default:
            throw new ArgumentException($"unknown command \"{args[0]}\"");
    }
}
catch (ArgumentException error)
{
    Console.Error.WriteLine(error.Message);
    Console.Error.WriteLine(Usage);
    return 2;
}
catch (Exception error) when (error is InvalidOperationException or TimeoutException or IOException or OperationCanceledException)
{
    Console.Error.WriteLine($"error: {error.Message}");
    return 1;
}
