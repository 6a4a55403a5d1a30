using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Mesh.Server.Metrics;

/// <summary>
/// The pushed instruments of one server, with Consul's names: <c>consul.api.http</c> (per method and route),
/// <c>consul.raft.apply</c> and <c>consul.raft.commitTime</c> (leader appends), <c>consul.raft.fsm.apply</c> (entries
/// applied), <c>consul.raft.leader.lastContact</c> (a follower's time since the leader's last contact) and
/// <c>consul.rpc.request</c> / <c>consul.rpc.request_error</c> (server RPCs received). One meter per server.
/// </summary>
public sealed class ServerInstruments : IDisposable
{
    public const string MeterName = "Mesh.Server.Timings";

    private readonly Histogram<double> _http;
    private readonly Counter<long> _raftApply;
    private readonly Histogram<double> _commitTime;
    private readonly Histogram<double> _fsmApply;
    private readonly Histogram<double> _lastContact;
    private readonly Counter<long> _rpcRequests;
    private readonly Counter<long> _rpcErrors;

    public ServerInstruments()
    {
        _http = Meter.CreateHistogram<double>("consul.api.http", "ms", "Time to serve an HTTP API request, by method and route");
        _raftApply = Meter.CreateCounter<long>("consul.raft.apply", description: "Commands appended to the Raft log by this server as leader");
        _commitTime = Meter.CreateHistogram<double>("consul.raft.commitTime", "ms", "Time from appending a command on the leader to its commit and apply");
        _fsmApply = Meter.CreateHistogram<double>("consul.raft.fsm.apply", "ms", "Time to apply one committed log entry to the state machine");
        _lastContact = Meter.CreateHistogram<double>("consul.raft.leader.lastContact", "ms", "Time since this follower last heard from the leader, sampled every second");
        _rpcRequests = Meter.CreateCounter<long>("consul.rpc.request", description: "Server RPC requests received, by request type");
        _rpcErrors = Meter.CreateCounter<long>("consul.rpc.request_error", description: "Server RPC requests that failed, by request type");
    }

    public Meter Meter { get; } = new(MeterName);

    /// <summary>Consul's path label: the route without its parameters, slashes as underscores, a trailing <c>_</c> where a parameter was.</summary>
    public static string PathLabel(string routePattern)
    {
        ArgumentNullException.ThrowIfNull(routePattern);
        var parts = new List<string>();
        foreach (var segment in routePattern.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (segment.StartsWith('{'))
            {
                parts.Add("_");
                break; // Consul's patterns end where the parsed argument begins
            }

            parts.Add(segment);
        }

        return string.Join('_', parts);
    }

    public void RecordHttp(string method, string path, TimeSpan elapsed)
        => _http.Record(elapsed.TotalMilliseconds, new KeyValuePair<string, object?>("method", method), new KeyValuePair<string, object?>("path", path));

    public void RecordCommit(TimeSpan elapsed)
    {
        _raftApply.Add(1);
        _commitTime.Record(elapsed.TotalMilliseconds);
    }

    public void RecordFsmApply(TimeSpan elapsed) => _fsmApply.Record(elapsed.TotalMilliseconds);

    public void RecordLeaderContact(TimeSpan sinceLastContact) => _lastContact.Record(sinceLastContact.TotalMilliseconds);

    public void RecordRpc(string requestType, bool failed)
    {
        var label = new KeyValuePair<string, object?>("request_type", requestType);
        _rpcRequests.Add(1, label);
        if (failed)
        {
            _rpcErrors.Add(1, label);
        }
    }

    /// <summary>Times <paramref name="action"/> into <c>consul.raft.fsm.apply</c>.</summary>
    public T MeasureFsmApply<T>(Func<T> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        var started = Stopwatch.GetTimestamp();
        try
        {
            return action();
        }
        finally
        {
            RecordFsmApply(Stopwatch.GetElapsedTime(started));
        }
    }

    public void Dispose() => Meter.Dispose();
}
