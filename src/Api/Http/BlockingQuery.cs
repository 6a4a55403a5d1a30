using System.Globalization;
using System.Text.Json.Serialization.Metadata;
using Mesh.Fsm.State;
using Mesh.Server;
using Microsoft.AspNetCore.Http;

namespace Mesh.Api.Http;

/// <summary>
/// Runs a read with Consul's blocking-query and consistency semantics. The result's index is the highest index among the
/// watch keys it depends on; with <c>?index=N</c> the query parks on exactly those keys until the index passes N, the
/// wait (plus up to wait/16 jitter) runs out, or a snapshot restore replaces the state.
/// </summary>
public sealed class BlockingQuery
{
    private readonly ServerRuntime _server;
    private readonly IReadOnlyList<string> _keys;
    private readonly string[] _fallbackKeys;

    public BlockingQuery(ServerRuntime server, IReadOnlyList<string> keys, params string[] fallbackKeys)
    {
        _server = server;
        _keys = keys;
        _fallbackKeys = fallbackKeys;
    }

    public async Task RespondAsync<T>(HttpContext context, QueryOptions options, Func<StoreState, T> read, JsonTypeInfo<T> typeInfo)
    {
        var (value, index) = await RunAsync(context, options, read, _server.Access.Enabled ? typeInfo : null).ConfigureAwait(false);
        WriteMeta(context, _server, options, index);
        await ApiResponse.WriteJsonAsync(context, value, typeInfo).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs the read, parking while <c>?index</c> is current. With <paramref name="sameContent"/> (ACLs on: the read
    /// is filtered by the token) changes the token cannot see are not revealed: a wake whose filtered result encodes
    /// exactly as before keeps waiting, and the index answered is the one at which this token first got this exact
    /// answer (<see cref="FilteredIndexCache"/>), so it moves only when what the token sees changes. A query whose
    /// <c>?index</c> is that index parks even though the store moved past it.
    /// </summary>
    public async Task<(T Value, long Index)> RunAsync<T>(HttpContext context, QueryOptions options, Func<StoreState, T> read, JsonTypeInfo<T>? sameContent = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        var cancellation = context.RequestAborted;
        var clock = _server.Clock;
        var wait = options.Wait + TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * options.Wait.TotalMilliseconds / 16);
        var deadline = clock.GetUtcNow() + wait;
        var generation = _server.Fsm.Watches.RestoreGeneration;
        var filtered = sameContent is null ? null : context.RequestServices?.GetService(typeof(FilteredIndexCache)) as FilteredIndexCache;
        var cacheKey = filtered is null ? string.Empty : FilteredIndexCache.KeyOf(context);
        var minIndex = options.MinIndex;
        byte[]? parked = null;
        while (true)
        {
            await ReadBarrierAsync(_server, options.Consistency, cancellation).ConfigureAwait(false);

            // Capture the watches before reading, so a write landing in between still wakes us.
            var watches = _server.Fsm.Watches.Capture(_keys);
            var state = _server.Fsm.Current;
            var index = Math.Max(1, state.MaxIndex(_keys, _fallbackKeys));
            var value = read(state);
            var remaining = deadline - clock.GetUtcNow();
            var restored = generation != _server.Fsm.Watches.RestoreGeneration;
            if (sameContent is null)
            {
                if (minIndex == 0 || index > minIndex || remaining <= TimeSpan.Zero || restored)
                {
                    return (value, index);
                }
            }
            else
            {
                var encoded = Encode(value, sameContent);
                var unchanged = parked is not null
                    ? encoded.AsSpan().SequenceEqual(parked)
                    : minIndex > 0 && filtered?.IndexOf(cacheKey, encoded) == minIndex;
                if (minIndex == 0 || restored || (!unchanged && index > minIndex))
                {
                    return (value, filtered?.Stamp(cacheKey, encoded, index) ?? index);
                }

                if (remaining <= TimeSpan.Zero)
                {
                    return (value, filtered?.Stamp(cacheKey, encoded, index) ?? index);
                }

                // Nothing this token can see changed since its index: wait from here.
                parked ??= encoded;
                minIndex = Math.Max(minIndex, index);
            }

            var fired = await watches.WaitAsync(remaining, cancellation).ConfigureAwait(false);
            if (!fired)
            {
                // Timed out: answer with the current result, which is not an error.
                state = _server.Fsm.Current;
                value = read(state);
                index = Math.Max(1, state.MaxIndex(_keys, _fallbackKeys));
                return sameContent is null || filtered is null ? (value, index) : (value, filtered.Stamp(cacheKey, Encode(value, sameContent), index));
            }
        }
    }

    private static byte[] Encode<T>(T value, JsonTypeInfo<T> typeInfo) => System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(value, typeInfo);

    /// <summary>Applies the consistency mode before a read (shared with non-blocking endpoints).</summary>
    public static async ValueTask ReadBarrierAsync(ServerRuntime server, ConsistencyMode mode, CancellationToken cancellationToken)
    {
        var raft = server.Raft;
        switch (mode)
        {
            case ConsistencyMode.Consistent:
            case ConsistencyMode.Default when !raft.IsLeader:
                // The leader serves default reads; a follower first catches up to the leader's read index.
                if (server.Reads is { } reads)
                {
                    await reads.WaitAsync(cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await raft.ReadBarrierAsync(cancellationToken).ConfigureAwait(false);
                }

                break;
            case ConsistencyMode.Stale when server.Fsm.Current.AppliedIndex == 0 && raft.Leader is null:
                throw new Mesh.Raft.NoLeaderException("No cluster leader, and this server has no state to serve a stale read from");
        }
    }

    /// <summary>Writes X-Consul-Index (never below 1), KnownLeader, LastContact and Effective-Consistency.</summary>
    public static void WriteMeta(HttpContext context, ServerRuntime server, QueryOptions options, long index)
    {
        var headers = context.Response.Headers;
        headers["X-Consul-Index"] = Math.Max(1, index).ToString(CultureInfo.InvariantCulture);
        headers["X-Consul-KnownLeader"] = server.Raft.Leader is null ? "false" : "true";
        headers["X-Consul-LastContact"] = ((long)server.Raft.LastContact.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        headers["X-Consul-Effective-Consistency"] = options.Consistency switch
        {
            ConsistencyMode.Stale => "stale",
            ConsistencyMode.Consistent => "consistent",
            _ => "leader",
        };
        headers["X-Consul-Query-Backend"] = "blocking-query";
        (context.RequestServices?.GetService(typeof(AgentCacheHeaders)) as AgentCacheHeaders)?.Apply(context, index);
    }
}
