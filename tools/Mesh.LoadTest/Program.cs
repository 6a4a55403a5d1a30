using Mesh.LoadTest;

const string Usage = """
    Usage: Mesh.LoadTest <command> [--option value ...]

      register   durable-write throughput and latency, closed loop, fresh server per run
                 --target mesh,etcd      targets, run side by side per concurrency (mesh | etcd | mesh,etcd)
                 --concurrency 1,16,64   concurrent clients
                 --duration 10           measured seconds per run (after --warmup 2)
                 --rounds 3              repeat the interleaved sequence; ratios are per-round medians
      parked     10,000 parked blocking queries: server memory, wake latency of one change
                 --queries 10000 --services 100 --settle 3

      cluster    the register load against a 3-server mesh cluster and a 3-member etcd cluster, clients spread over
                 the members, a fresh cluster per run; then election time after SIGKILL of the leader
                 --target mesh,etcd --concurrency 1,16,64 --duration 8 --warmup 2 --rounds 2
                 --servers 3             cluster size
                 --target unbatched,mesh,etcd   "unbatched": the same mesh with forwarded-write batching off
                 --target mesh,grouped           "grouped": the same mesh with the leader's group commit on (MESH_PROPOSE_BATCH=1)
                 --elections 3           leader kills per target (0: none), killed server restarted in between
                 --tls off               on: HTTPS API with client certificates and verified server-to-server TLS
                                         (etcd --cert-file/--peer-cert-file/--client-cert-auth; mesh tls stanza)
      snapshot   GET /v1/snapshot and PUT /v1/snapshot (into a fresh server) of a catalog filled over HTTP: time, peak RSS
                 --services 100000 --per-node 10 --concurrency 64 --rounds 2
                 --target mesh           mesh,etcd adds etcdctl snapshot save/restore of as many keys (--etcdctl-bin)

      proxycfg-fanout  N web sidecars (upstream db) watched through an in-process proxycfg; one db instance added at a
                 time: time until every proxy's watch returned the new snapshot, CPU and allocations of the fan-out
                 --proxies 5000 --coalesce-ms 50 --changes 3 --concurrency 32
      xds        N delta ADS streams (each a distinct web sidecar with upstream db) against one mesh server process:
                 time until every stream has the EDS update of a new db instance, then sustained pushes/s
                 --streams 1000,5000 --duration 30 --change-ms 250 --streams-per-connection 100 --coalesce-ms 200
                 --kind sidecar          ingress: N instances of one ingress gateway (listener 8080 http, service db);
                                         the measured change is PUT /v1/config of its entry gaining service api
      xds-sotw   the same with N state-of-the-world streams of proxyless gRPC clients dialing xds:///db (LDS, RDS,
                 CDS, EDS of db's plain instances); same options, plus
                 --keys shared           shared: every client declares service web; distinct: one node ID each

      dataplane  a 3-server mesh cluster, one web sidecar and `mesh dataplane` relaying to a follower: the extra latency
                 of an EDS push through the dataplane against a direct delta stream to the same server (both open at
                 once, --changes endpoint changes), then --kills times: SIGKILL the server the dataplane relays to
                 (leadership moved off it first) and time until the next endpoint change arrives through another server
                 --changes 50 --kills 20

      tls-handshake  TLS cost on the HTTP API of one mesh server: GET /v1/status/leader over plain HTTP and HTTPS with a
                 new connection per request (full handshake) and on kept-alive HTTPS connections, without and with
                 tls.https.verify_incoming; requests/s, latency and server CPU per request
                 --concurrency 8 --duration 10 --warmup 2

      leaf       new leaf certificates/s over HTTP against one `mesh agent -dev`: N clients each asking
                 GET /v1/agent/connect/ca/leaf/<service> for a new service name every time (a new key and certificate)
                 --concurrency 16        clients (a list: 1,16,64)
                 --duration 10 --warmup 3 --rounds 1
                 --mesh-bin a,b          compare binaries, a fresh server each, interleaved per round
                 reports leaves/s, p50/p99 and the server's CPU µs per leaf (from /proc)

      startup    time from process start to the first HTTP answer and to a known leader of `mesh agent -dev`
                 --runs 10               starts per binary; --mesh-bin a,b compares binaries, interleaved run by run

      write-cost KiB allocated and CPU µs per write on each server of a 3-server mesh cluster, by role: N writes
                 through the leader, then N through a follower (which forwards them), after warm-up writes
                 --writes 4000 --warmup-writes 3000 --clients 16 --rounds 1
                 --mesh-bin a,b          compare binaries, a fresh cluster each, interleaved per round

      --mesh-bin PATH   mesh executable or mesh.dll (default: the one built next to this tool)
      --etcd-bin PATH   etcd executable (default: etcd on PATH; Debian package etcd-server)
    Servers run as child processes on free 127.0.0.1 ports with data in temp folders, and are stopped afterwards.
    """;

if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
{
    Console.Error.WriteLine(Usage);
    return args.Length == 0 ? 2 : 0;
}

// Every run is bounded: a hard stop well past the longest expected run, and Ctrl-C stops the servers cleanly.
using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(30));
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

try
{
    var options = ToolOptions.Parse(args[1..]);
    return args[0] switch
    {
        "register" => await RegisterLoadCommand.RunAsync(options, stop.Token),
        "parked" => await ParkedQueriesCommand.RunAsync(options, stop.Token),
        "cluster" => await ClusterCommand.RunAsync(options, stop.Token),
        "snapshot" => await SnapshotCommand.RunAsync(options, stop.Token),
        "proxycfg-fanout" => await Mesh.LoadTest.Xds.ProxyCfgFanoutCommand.RunAsync(options, stop.Token),
        "xds-sotw" => await Mesh.LoadTest.Xds.XdsCommand.RunAsync(options, stop.Token, sotw: true),
        "xds" => await Mesh.LoadTest.Xds.XdsCommand.RunAsync(options, stop.Token),
        "dataplane" => await Mesh.LoadTest.Dataplane.DataplaneCommand.RunAsync(options, stop.Token),
        "tls-handshake" => await Mesh.LoadTest.Tls.TlsHandshakeCommand.RunAsync(options, stop.Token),
        "leaf" => await Mesh.LoadTest.Leaf.LeafCommand.RunAsync(options, stop.Token),
        "startup" => await Mesh.LoadTest.Startup.StartupCommand.RunAsync(options, stop.Token),
        "write-cost" => await Mesh.LoadTest.WriteCost.WriteCostCommand.RunAsync(options, stop.Token),
        _ => throw new ArgumentException($"unknown command \"{args[0]}\""),
    };
}
catch (ArgumentException error)
{
    Console.Error.WriteLine(error.Message);
    Console.Error.WriteLine(Usage);
    return 2;
}
catch (Exception error) when (error is InvalidOperationException or TimeoutException or IOException)
{
    // A server that would not start, a limit that cannot be raised, a run that overran its bound.
    Console.Error.WriteLine($"error: {error.Message}");
    return 1;
}
