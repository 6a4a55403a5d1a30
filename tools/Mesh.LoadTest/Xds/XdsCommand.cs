using System.Diagnostics;
using System.Net;
using Grpc.Net.Client;
using Mesh.LoadTest.Load;
using Mesh.LoadTest.Targets;

namespace Mesh.LoadTest.Xds;

/// <summary>
/// <c>xds</c>: for each stream count, a fresh <c>mesh</c> server process; N distinct web sidecars (upstream db) are
/// registered and N delta ADS streams opened over shared HTTP/2 connections, each ACKing everything. Then one new db
/// instance is registered and the time until every stream has its EDS update is measured; then db's endpoint changes
/// every <c>--change-ms</c> for <c>--duration</c> seconds and the EDS pushes the streams receive are counted.
/// <c>xds-sotw</c> does the same with N state-of-the-world streams of proxyless gRPC clients dialing <c>xds:///db</c>
/// (the endpoints are db's plain instances): <c>--keys shared</c> makes every client declare service <c>web</c> (one
/// proxycfg snapshot for all), <c>--keys distinct</c> gives each its own node ID and no service (one snapshot each).
/// <c>xds --kind ingress</c>: the N streams are N instances of one ingress gateway service whose entry exposes db on an
/// http listener (one config entry reaches every gateway, as a scaled-out ingress deployment), and the measured change
/// is <c>PUT /v1/config</c> of that entry gaining service api: each stream is timed until a route sends to api's
/// cluster, the cluster is held and its load assignment has api's endpoint.
/// </summary>
public static class XdsCommand
{
    private static readonly TimeSpan PhaseTimeout = TimeSpan.FromMinutes(3);

    public static async Task<int> RunAsync(ToolOptions options, CancellationToken cancellationToken, bool sotw = false)
    {
        options.RejectUnknown("streams", "duration", "change-ms", "streams-per-connection", "coalesce-ms", "mesh-bin", "concurrency", "keys", "kind");
        var settings = new Settings(
            options.Text("mesh-bin", TargetLauncher.DefaultMeshBinary()),
            TimeSpan.FromMilliseconds(options.Number("coalesce-ms", 200)),
            options.Seconds("duration", 30),
            TimeSpan.FromMilliseconds(options.Number("change-ms", 250)),
            options.Number("streams-per-connection", 100),
            options.Number("concurrency", 32),
            sotw ? options.Text("keys", "shared") : null,
            options.Text("kind", "sidecar") == "ingress");
        if (settings.Keys is not (null or "shared" or "distinct"))
        {
            await Console.Error.WriteLineAsync("--keys must be shared or distinct").ConfigureAwait(false);
            return 2;
        }

        if (options.Text("kind", "sidecar") is not ("sidecar" or "ingress") || (sotw && settings.Ingress))
        {
            await Console.Error.WriteLineAsync("--kind must be sidecar or ingress (ingress for delta streams only)").ConfigureAwait(false);
            return 2;
        }

        var results = new List<XdsRunResult>();
        foreach (var streams in options.Numbers("streams", "1000,5000"))
        {
            FileDescriptorLimit.EnsureAtLeast((ulong)(streams / settings.StreamsPerConnection) + 4096);
            var result = await RunOnceAsync(streams, settings, cancellationToken).ConfigureAwait(false);
            results.Add(result);
        }

        XdsReport.WriteXds(results, settings.Coalesce, settings.ChangeInterval, settings.Ingress);
        return results.All(r => r.Failed == 0 && r.Ready == r.Streams && r.Updated == r.Streams && r.Converged == r.Streams) ? 0 : 1;
    }

    /// <param name="Keys">Null for delta streams of sidecars; for SotW streams, shared or distinct client keys.</param>
    /// <param name="Ingress">Delta streams of ingress gateway instances instead of sidecars.</param>
    private sealed record Settings(string MeshBinary, TimeSpan Coalesce, TimeSpan Duration, TimeSpan ChangeInterval, int StreamsPerConnection, int Concurrency, string? Keys, bool Ingress);

    private static async Task<XdsRunResult> RunOnceAsync(int streams, Settings settings, CancellationToken cancellationToken)
    {
        var loadBefore = LoadAverage.Read();
        var sotw = settings.Keys is not null;
        await Log($"{streams:N0} {(sotw ? $"SotW ({settings.Keys} keys)" : settings.Ingress ? "delta ingress gateway" : "delta")} streams: load {loadBefore}").ConfigureAwait(false);
        await using var mesh = await XdsMeshProcess.StartAsync(settings.MeshBinary, settings.Coalesce, Math.Max(10_000, streams + 100), cancellationToken).ConfigureAwait(false);
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false, MaxConnectionsPerServer = settings.Concurrency }) { BaseAddress = mesh.HttpAddress, Timeout = TimeSpan.FromSeconds(60) };
        var writer = new MeshCatalogWriter(http);
        var probe = mesh.Probe;

        var started = Stopwatch.GetTimestamp();
        await writer.RegisterDbInstanceAsync(1, cancellationToken).ConfigureAwait(false);
        if (settings.Ingress)
        {
            // api is registered and declared http up front, so the measured write is the gateway's entry alone.
            await writer.RegisterDbServiceAsync(2, cancellationToken).ConfigureAwait(false);
            await writer.RegisterMeshServiceAsync("api", 1, cancellationToken).ConfigureAwait(false);
            await writer.DeclareHttpAsync("api", cancellationToken).ConfigureAwait(false);
            await writer.WriteIngressEntryAsync(["db"], cancellationToken).ConfigureAwait(false);
            await writer.RegisterIngressGatewaysAsync(streams, settings.Concurrency, cancellationToken).ConfigureAwait(false);
        }
        else if (!sotw)
        {
            // Proxyless clients are not in the catalog; for them db instance 2 itself is the update.
            await writer.RegisterDbServiceAsync(2, cancellationToken).ConfigureAwait(false);
            await writer.RegisterWebSidecarsAsync(streams, settings.Concurrency, cancellationToken).ConfigureAwait(false);
        }

        var registerSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        await Log($"  registered {(sotw ? 0 : streams):N0} {(settings.Ingress ? "ingress gateways" : "sidecars")} in {registerSeconds:N1} s").ConfigureAwait(false);
        await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken).ConfigureAwait(false);
        var residentBefore = probe.ResidentBytes();

        var connections = (streams + settings.StreamsPerConnection - 1) / settings.StreamsPerConnection;
        var channels = Enumerable.Range(0, connections).Select(_ => Channel(mesh.GrpcPort)).ToList();
        var tracker = new XdsStreamTracker(streams);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var cpu = probe.CpuTime();
        var opened = Stopwatch.GetTimestamp();
        var running = Enumerable.Range(0, streams)
            .Select(i => sotw
                ? SotwStreamClient.RunAsync(channels[i / settings.StreamsPerConnection], i, $"client-{i}", settings.Keys == "shared" ? "web" : null, tracker, stop.Token)
                : settings.Ingress
                    ? XdsStreamClient.RunAsync(channels[i / settings.StreamsPerConnection], i, MeshCatalogWriter.GatewayId(i), MeshCatalogWriter.GatewayNode(i), tracker, stop.Token, MeshCatalogWriter.IngressGateway)
                    : XdsStreamClient.RunAsync(channels[i / settings.StreamsPerConnection], i, MeshCatalogWriter.WebSidecarId(i), MeshCatalogWriter.WebNode(i), tracker, stop.Token))
            .ToList();
        try
        {
            await WaitAsync(tracker.Ready, tracker, "initial config", cancellationToken).ConfigureAwait(false);
            var initialSeconds = Stopwatch.GetElapsedTime(opened).TotalSeconds;
            var initialCpu = (probe.CpuTime() - cpu).TotalSeconds;
            await Log($"  {tracker.Ready.Reached:N0} streams ready in {initialSeconds:N2} s (server CPU {initialCpu:N1} s), failed {tracker.Failed}").ConfigureAwait(false);
            await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken).ConfigureAwait(false);
            var residentWithStreams = probe.ResidentBytes();

            // Sidecars: one new db instance, whose sidecar's registration every stream must see as an EDS update (two
            // endpoints). Gateways: the entry gains api, which every stream must serve (two services served).
            var update = tracker.Expect((held, _) => held >= 2, Stopwatch.GetTimestamp());
            cpu = probe.CpuTime();
            var sent = Stopwatch.GetTimestamp();
            if (settings.Ingress)
            {
                await writer.WriteIngressListenerAsync(["db", "api"], cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await ChangeDbEndpointAsync(writer, sotw, 21000, cancellationToken).ConfigureAwait(false);
            }

            var ack = Stopwatch.GetElapsedTime(sent).TotalMilliseconds;
            await WaitAsync(update, tracker, settings.Ingress ? "the gateway entry's new service" : "the new db instance", cancellationToken).ConfigureAwait(false);
            var updateCpu = (probe.CpuTime() - cpu).TotalSeconds;
            var updateLatency = LatencySummary.FromTicks(update.Since(sent));
            await Log($"  {(settings.Ingress ? "config entry" : "EDS")} update at {update.Reached:N0} streams: p50 {updateLatency.P50:N0} ms, p99 {updateLatency.P99:N0} ms, max {updateLatency.Max:N0} ms, server CPU {updateCpu:N2} s").ConfigureAwait(false);
            await Task.Delay(settings.Coalesce + TimeSpan.FromSeconds(2), cancellationToken).ConfigureAwait(false);

            // Sustained: db instance 2's sidecar port changes every interval (each change is an endpoint change for
            // every stream); pushes are the EDS responses the streams received within the window.
            var (pushes, serverCpu, clientCpu) = (tracker.EdsPushes, probe.CpuTime(), ProcessCounters.Now().Cpu);
            var window = Stopwatch.GetTimestamp();
            var port = 21000;
            var changes = 0;
            var lastChange = window;
            while (Stopwatch.GetElapsedTime(window) < settings.Duration)
            {
                var next = lastChange = Stopwatch.GetTimestamp();
                await ChangeDbEndpointAsync(writer, sotw, ++port, cancellationToken).ConfigureAwait(false);
                changes++;
                var wait = settings.ChangeInterval - Stopwatch.GetElapsedTime(next);
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
                }
            }

            var windowSeconds = Stopwatch.GetElapsedTime(window).TotalSeconds;
            var sustainedPushes = tracker.EdsPushes - pushes;
            var sustainedServerCpu = (probe.CpuTime() - serverCpu).TotalSeconds;
            var sustainedClientCpu = (ProcessCounters.Now().Cpu - clientCpu).TotalSeconds;
            var finalPort = port;
            var converged = tracker.Expect((_, maxPort) => maxPort >= finalPort, lastChange);
            await WaitAsync(converged, tracker, "the last change", cancellationToken).ConfigureAwait(false);
            // Streams that had the last change before the wait began are timed by when they received it.
            var convergence = LatencySummary.FromTicks(tracker.PortReachedSince(finalPort, lastChange));
            await Log($"  sustained {windowSeconds:N1} s, {changes} changes: {sustainedPushes:N0} EDS pushes ({sustainedPushes / windowSeconds:N0}/s), server CPU {sustainedServerCpu:N1} s, client CPU {sustainedClientCpu:N1} s; converged p99 {convergence.P99:N0} ms").ConfigureAwait(false);

            return new XdsRunResult
            {
                Streams = streams,
                Connections = connections,
                RegisterSeconds = registerSeconds,
                InitialSeconds = initialSeconds,
                Ready = tracker.Ready.Reached,
                ResidentBeforeStreams = residentBefore,
                ResidentWithStreams = residentWithStreams,
                InitialServerCpuSeconds = initialCpu,
                WriteAckMilliseconds = ack,
                Updated = update.Reached,
                UpdateFromSend = updateLatency,
                UpdateServerCpuSeconds = updateCpu,
                SustainedSeconds = windowSeconds,
                Changes = changes,
                SustainedPushes = sustainedPushes,
                SustainedServerCpuSeconds = sustainedServerCpu,
                SustainedClientCpuSeconds = sustainedClientCpu,
                Convergence = convergence,
                Converged = converged.Reached,
                ResidentAfter = probe.ResidentBytes(),
                Failed = tracker.Failed,
                FirstError = tracker.FirstError,
                LoadBefore = loadBefore,
                LoadAfter = LoadAverage.Read(),
            };
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(running).WaitAsync(TimeSpan.FromSeconds(30), CancellationToken.None).ConfigureAwait(false);
            foreach (var channel in channels)
            {
                channel.Dispose();
            }
        }
    }

    /// <summary>db instance 2's endpoint as the streams see it: its sidecar for Envoy, the instance itself for proxyless clients.</summary>
    private static Task ChangeDbEndpointAsync(MeshCatalogWriter writer, bool sotw, int port, CancellationToken cancellationToken)
        => sotw ? writer.RegisterDbServiceAsync(2, cancellationToken, port) : writer.RegisterDbSidecarAsync(2, port, cancellationToken);

    /// <summary>Waits for every stream to reach <paramref name="target"/>, bounded; on timeout the run goes on with what arrived.</summary>
    private static async Task WaitAsync(ArrivalTarget target, XdsStreamTracker tracker, string what, CancellationToken cancellationToken)
    {
        try
        {
            await target.All.WaitAsync(PhaseTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            await Log($"  only {target.Reached:N0} of {tracker.Streams:N0} streams saw {what} within {PhaseTimeout.TotalSeconds} s ({tracker.Failed} failed: {tracker.FirstError})").ConfigureAwait(false);
        }
    }

    /// <summary>
    /// One HTTP/2 connection (prior knowledge, as Envoy's cluster to the server is configured). Kestrel allows 100
    /// concurrent streams per connection by default; a second connection is opened if a channel ever needs more.
    /// </summary>
    private static GrpcChannel Channel(int grpcPort) => GrpcChannel.ForAddress($"http://127.0.0.1:{grpcPort}", new GrpcChannelOptions
    {
        HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true, UseProxy = false, ConnectTimeout = TimeSpan.FromSeconds(15) },
        HttpVersion = HttpVersion.Version20,
        MaxReceiveMessageSize = null,
    });

    private static Task Log(string message) => Console.Error.WriteLineAsync(message);
}
