using System.Collections.Immutable;
using Mesh.Server.Cluster;
using Microsoft.Extensions.Logging;

namespace Mesh.Server.Federation;

/// <summary>
/// What this server knows of other datacenters (a minimal form of Consul's WAN pool): each <c>retry_join_wan</c> address
/// and every server already known is asked for its datacenter and server list over the server port (the
/// <see cref="InfoRequest"/> every server answers), every <see cref="WanOptions.RefreshInterval"/>; a server that does
/// not answer is dropped until some answering server lists it again. Queries for another datacenter are forwarded to
/// one of its servers (the same RPC client and TLS as the cluster's own RPC); the local one is answered from the store.
/// </summary>
public sealed partial class WanFederation(ServerRuntime runtime, ServerRpc rpc, WanOptions options, ILogger<WanFederation> logger) : IDatacenterHealthSource, IKnownDatacenters
{
    /// <summary>How long one server is given to answer a server-list request.</summary>
    private static readonly TimeSpan InfoTimeout = TimeSpan.FromSeconds(2);

    /// <summary>Extra time, beyond the query's wait, a forwarded blocking query may take to come back.</summary>
    private static readonly TimeSpan ForwardSlack = TimeSpan.FromSeconds(10);

    private readonly StoreHealthSource _local = new(runtime);
    private ImmutableDictionary<string, ImmutableArray<string>> _servers = ImmutableDictionary.Create<string, ImmutableArray<string>>(StringComparer.OrdinalIgnoreCase);
    private ImmutableList<Action> _listeners = [];
    private int _next;

    /// <summary>Every known datacenter: this one first, then the others by name (<c>/v1/catalog/datacenters</c>).</summary>
    public IReadOnlyList<string> Datacenters()
        => [runtime.Self.Datacenter, .. Volatile.Read(ref _servers).Keys.Where(dc => !runtime.Self.IsLocalDatacenter(dc)).Order(StringComparer.Ordinal)];

    public IReadOnlyList<string> Remote() => [.. Volatile.Read(ref _servers).Keys.Where(dc => !runtime.Self.IsLocalDatacenter(dc)).Order(StringComparer.Ordinal)];

    public IDisposable OnChanged(Action changed)
    {
        ArgumentNullException.ThrowIfNull(changed);
        ImmutableInterlocked.Update(ref _listeners, static (list, listener) => list.Add(listener), changed);
        return new Listening(this, changed);
    }

    /// <summary>The known servers (host:port) of another datacenter; empty when none is known.</summary>
    public ImmutableArray<string> ServersOf(string datacenter)
        => Volatile.Read(ref _servers).TryGetValue(datacenter, out var servers) ? servers : [];

    public bool Knows(string? datacenter) => runtime.Self.IsLocalDatacenter(datacenter) || !ServersOf(datacenter!).IsDefaultOrEmpty;

    /// <summary>Refreshes the server lists until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (options.RetryJoinWan.Count == 0)
        {
            return;
        }

        while (!cancellationToken.IsCancellationRequested)
        {
            await RefreshAsync(cancellationToken).ConfigureAwait(false);
            await Task.Delay(options.RefreshInterval, runtime.Clock, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>One round: asks every join address and known server, and keeps what answered.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        var known = Volatile.Read(ref _servers);
        var targets = options.RetryJoinWan.Concat(known.Values.SelectMany(s => s)).Distinct(StringComparer.Ordinal).ToList();
        var own = ServerAddress.Format(runtime.Self.ServerEndPoint);
        var answers = await Task.WhenAll(targets.Select(async target =>
        {
            try
            {
                var info = await rpc.CallAsync<InfoResponse>(ServerRpc.ParseEndPoint(target, ServerRpc.DefaultPort), new InfoRequest { FromAddress = own }, InfoTimeout, cancellationToken).ConfigureAwait(false);
                return (Target: target, Info: (InfoResponse?)info);
            }
            catch (Exception error) when (error is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                Log.ServerUnreachable(logger, target, error.Message);
                return (Target: target, Info: null);
            }
        })).ConfigureAwait(false);

        var dead = answers.Where(a => a.Info is null).Select(a => a.Target).ToHashSet(StringComparer.Ordinal);
        var next = ImmutableDictionary.CreateBuilder<string, ImmutableArray<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var (target, info) in answers)
        {
            if (info is null || info.Datacenter.Length == 0 || runtime.Self.IsLocalDatacenter(info.Datacenter))
            {
                continue;
            }

            var members = (info.Members.Count > 0 ? info.Members : [info.RaftAddress]).Append(target).Where(m => m.Length > 0 && !dead.Contains(m));
            next[info.Datacenter] = [.. (next.TryGetValue(info.Datacenter, out var already) ? already : []).Concat(members).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        }

        var result = next.ToImmutable();
        foreach (var added in result.Keys.Where(dc => !known.ContainsKey(dc)))
        {
            Log.DatacenterLearned(logger, added, string.Join(", ", result[added]));
        }

        foreach (var gone in known.Keys.Where(dc => !result.ContainsKey(dc)))
        {
            Log.DatacenterLost(logger, gone);
        }

        Volatile.Write(ref _servers, result);
        if (!result.Keys.ToHashSet(StringComparer.OrdinalIgnoreCase).SetEquals(known.Keys))
        {
            foreach (var listener in Volatile.Read(ref _listeners))
            {
                listener();
            }
        }
    }

    public async ValueTask<DatacenterHealth> QueryAsync(DatacenterHealthQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (runtime.Self.IsLocalDatacenter(query.Datacenter))
        {
            return await _local.QueryAsync(query, cancellationToken).ConfigureAwait(false);
        }

        var servers = ServersOf(query.Datacenter);
        if (servers.IsDefaultOrEmpty)
        {
            throw new NoPathToDatacenterException(query.Datacenter);
        }

        var request = new DatacenterHealthRequest
        {
            Service = query.Service,
            Kind = query.Kind,
            Connect = query.Connect,
            MinIndex = query.MinIndex,
            WaitMilliseconds = (long)query.Wait.TotalMilliseconds,
            Token = query.Token,
        };
        var start = (int)((uint)Interlocked.Increment(ref _next) % (uint)servers.Length);
        Exception? last = null;
        for (var i = 0; i < servers.Length; i++)
        {
            var server = servers[(start + i) % servers.Length];
            DatacenterHealthResponse response;
            try
            {
                response = await rpc.CallAsync<DatacenterHealthResponse>(
                    ServerRpc.ParseEndPoint(server, ServerRpc.DefaultPort), request, query.Wait + ForwardSlack, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception error) when (error is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                Log.ForwardFailed(logger, query.Datacenter, server, error.Message);
                last = error;
                continue;
            }

            return response.Error is { } refused
                ? throw new DatacenterQueryException(refused, response.PermissionDenied)
                : new DatacenterHealth(response.Index, response.Rows);
        }

        throw new DatacenterQueryException($"No server of datacenter \"{query.Datacenter}\" answered: {last?.Message}", last!);
    }

    /// <summary>One <see cref="OnChanged"/> registration; disposing it removes the listener.</summary>
    private sealed class Listening(WanFederation federation, Action listener) : IDisposable
    {
        public void Dispose() => ImmutableInterlocked.Update(ref federation._listeners, static (list, gone) => list.Remove(gone), listener);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 8750, Level = LogLevel.Information, Message = "Learned datacenter {Datacenter}: servers {Servers}")]
        public static partial void DatacenterLearned(ILogger logger, string datacenter, string servers);

        [LoggerMessage(EventId = 8751, Level = LogLevel.Warning, Message = "Lost datacenter {Datacenter}: none of its servers answered")]
        public static partial void DatacenterLost(ILogger logger, string datacenter);

        [LoggerMessage(EventId = 8752, Level = LogLevel.Debug, Message = "WAN server {Server} did not answer: {Reason}")]
        public static partial void ServerUnreachable(ILogger logger, string server, string reason);

        [LoggerMessage(EventId = 8753, Level = LogLevel.Warning, Message = "Forwarding a query to datacenter {Datacenter} through {Server} failed: {Reason}")]
        public static partial void ForwardFailed(ILogger logger, string datacenter, string server, string reason);
    }
}
