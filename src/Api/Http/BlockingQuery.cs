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
    /// is filtered by the token), a wake whose result encodes exactly as the parked one keeps waiting: a change to rows
    /// the token cannot see never answers early. When the wait runs out the current index is answered, as Consul does
    /// (answering the client's own index would make its next query return at once, in a loop).
    /// </summary>
    public async Task<(T Value, long Index)> RunAsync<T>(HttpContext context, QueryOptions options, Func<StoreState, T> read, JsonTypeInfo<T>? sameContent = null)
    {
        var cancellation = context.RequestAborted;
        var clock = _server.Clock;
        var wait = options.Wait + TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * options.Wait.TotalMilliseconds / 16);
        var deadline = clock.GetUtcNow() + wait;
        var generation = _server.Fsm.Watches.RestoreGeneration;
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
            if (parked is not null && sameContent is not null && index > minIndex && !restored
                && Encode(value, sameContent).AsSpan().SequenceEqual(parked))
            {
                // Woken by a change this token cannot see: keep waiting from here.
                minIndex = index;
                if (remaining <= TimeSpan.Zero)
                {
                    return (value, index);
                }
            }
            else if (minIndex == 0 || index > minIndex || remaining <= TimeSpan.Zero || restored)
            {
                return (value, index);
            }

            if (parked is null && sameContent is not null)
            {
                parked = Encode(value, sameContent);
            }

            var fired = await watches.WaitAsync(remaining, cancellation).ConfigureAwait(false);
            if (!fired)
            {
                // Timed out: answer with the current result, which is not an error.
                state = _server.Fsm.Current;
                return (read(state), Math.Max(1, state.MaxIndex(_keys, _fallbackKeys)));
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
    }
}
