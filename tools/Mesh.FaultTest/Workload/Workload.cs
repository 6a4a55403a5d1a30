using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Mesh.FaultTest.Checking;
using Mesh.FaultTest.Cluster;

namespace Mesh.FaultTest.Workload;

/// <summary>
/// Concurrent clients against random servers while faults run. Register clients write a unique value into a catalog
/// registration (service <c>ID</c> = key, <c>Meta.v</c> = value) and read it back with <c>?consistent</c>; every
/// invocation and completion is recorded for the linearizability checker. Durability clients register a fresh service
/// instance per write and remember the acknowledged ones, which must be on every server afterwards. Keys are per round,
/// so each key's history stays small.
/// </summary>
public sealed class ClusterWorkload : IDisposable
{
    private const string RegisterNode = "lin-node";
    private const string DurableNode = "dur-node";
    private const int KeysPerRound = 6;

    private readonly FaultCluster _cluster;
    private readonly int _seed;
    private readonly ConcurrentQueue<Operation> _history = new();
    private readonly ConcurrentQueue<(int Round, string Id)> _durable = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly Lock _gate = new();
    private TaskCompletionSource _running = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ConcurrentDictionary<string, int> _statuses = new(StringComparer.Ordinal);
    private int _inFlight;
    private int _round;
    private long _acknowledged;
    private long _ambiguous;
    private long _reads;

    public ClusterWorkload(FaultCluster cluster, int seed)
    {
        _cluster = cluster;
        _seed = seed;
    }

    public int Round
    {
        get => Volatile.Read(ref _round);
        set => Volatile.Write(ref _round, value);
    }

    public IReadOnlyCollection<Operation> History => _history;

    public IReadOnlyCollection<(int Round, string Id)> Durable => _durable;

    /// <summary>Writes answered 200 (register and durability clients).</summary>
    public long Acknowledged => Interlocked.Read(ref _acknowledged);

    /// <summary>Writes with no definite answer (timeout, 5xx, connection lost): they may or may not have applied.</summary>
    public long Ambiguous => Interlocked.Read(ref _ambiguous);

    public long Reads => Interlocked.Read(ref _reads);

    /// <summary>Answers the clients got, by operation and status (<c>write 503</c>, <c>read 500</c>, <c>read no answer</c>).</summary>
    public IReadOnlyDictionary<string, int> Statuses => _statuses;

    private void Count(string operation, HttpStatusCode? status)
        => _statuses.AddOrUpdate($"{operation} {(status is null ? "no answer" : ((int)status).ToString(CultureInfo.InvariantCulture))}", 1, (_, n) => n + 1);

    public static string DurableService(int round) => $"dur-r{round.ToString(CultureInfo.InvariantCulture)}";

    public IReadOnlyList<Task> Start(int registerWriters, int readers, int durableWriters, CancellationToken stop)
    {
        Resume();
        var tasks = new List<Task>();
        var client = 0;
        for (var i = 0; i < registerWriters; i++, client++)
        {
            var id = client;
            tasks.Add(Task.Run(() => LoopAsync(id, WriteRegisterAsync, stop), CancellationToken.None));
        }

        for (var i = 0; i < readers; i++, client++)
        {
            var id = client;
            tasks.Add(Task.Run(() => LoopAsync(id, ReadRegisterAsync, stop), CancellationToken.None));
        }

        for (var i = 0; i < durableWriters; i++, client++)
        {
            var id = client;
            tasks.Add(Task.Run(() => LoopAsync(id, WriteDurableAsync, stop), CancellationToken.None));
        }

        return tasks;
    }

    /// <summary>Stops new operations and waits (bounded by the client timeout) for those in flight.</summary>
    public async Task PauseAsync()
    {
        lock (_gate)
        {
            if (_running.Task.IsCompleted)
            {
                _running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
        }

        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (Volatile.Read(ref _inFlight) > 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20).ConfigureAwait(false);
        }
    }

    public void Resume()
    {
        lock (_gate)
        {
            _running.TrySetResult();
        }
    }

    private async Task LoopAsync(int client, Func<int, Random, long, CancellationToken, Task> operation, CancellationToken stop)
    {
        var random = new Random(HashCode.Combine(_seed, client));
        for (long seq = 0; !stop.IsCancellationRequested; seq++)
        {
            Task running;
            lock (_gate)
            {
                running = _running.Task;
            }

            try
            {
                await running.WaitAsync(stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            Interlocked.Increment(ref _inFlight);
            try
            {
                await operation(client, random, seq, stop).ConfigureAwait(false);
            }
            finally
            {
                Interlocked.Decrement(ref _inFlight);
            }

            await Task.Delay(random.Next(0, 15), CancellationToken.None).ConfigureAwait(false);
        }
    }

    private ServerProcess Target(Random random) => _cluster.Servers[random.Next(_cluster.Servers.Count)];

    private string Key(Random random) => $"r{Round.ToString(CultureInfo.InvariantCulture)}-k{random.Next(KeysPerRound).ToString(CultureInfo.InvariantCulture)}";

    private async Task WriteRegisterAsync(int client, Random random, long seq, CancellationToken stop)
    {
        var key = Key(random);
        var value = $"c{client.ToString(CultureInfo.InvariantCulture)}-{seq.ToString(CultureInfo.InvariantCulture)}";
        var body = $$"""{"Node":"{{RegisterNode}}","Address":"10.0.0.1","Service":{"ID":"{{key}}","Service":"{{key}}","Port":80,"Meta":{"v":"{{value}}"} """ + "}}";
        var call = Stopwatch.GetTimestamp();
        var outcome = await PutAsync(Target(random), "/v1/catalog/register", body).ConfigureAwait(false);
        var ret = Stopwatch.GetTimestamp();
        switch (outcome)
        {
            case WriteOutcome.Acknowledged:
                Interlocked.Increment(ref _acknowledged);
                _history.Enqueue(new Operation(key, OperationKind.Write, value, call, ret, client));
                break;
            case WriteOutcome.Ambiguous:
                Interlocked.Increment(ref _ambiguous);
                _history.Enqueue(new Operation(key, OperationKind.Write, value, call, Operation.Pending, client));
                break;
            default:
                await Task.Delay(20, CancellationToken.None).ConfigureAwait(false);
                break;
        }
    }

    private async Task ReadRegisterAsync(int client, Random random, long seq, CancellationToken stop)
    {
        var key = Key(random);
        var server = Target(random);
        var call = Stopwatch.GetTimestamp();
        try
        {
            using var response = await _http.GetAsync(new Uri(server.HttpAddress, $"/v1/catalog/service/{key}?consistent"), CancellationToken.None).ConfigureAwait(false);
            var text = await response.Content.ReadAsStringAsync(CancellationToken.None).ConfigureAwait(false);
            var ret = Stopwatch.GetTimestamp();
            Count("read", response.StatusCode);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                await Task.Delay(20, CancellationToken.None).ConfigureAwait(false);
                return;
            }

            string? value = null;
            foreach (var instance in JsonDocument.Parse(text).RootElement.EnumerateArray())
            {
                if (instance.GetProperty("ServiceID").GetString() == key && instance.TryGetProperty("ServiceMeta", out var meta) && meta.TryGetProperty("v", out var v))
                {
                    value = v.GetString();
                }
            }

            Interlocked.Increment(ref _reads);
            _history.Enqueue(new Operation(key, OperationKind.Read, value, call, ret, client));
        }
        catch (Exception error) when (error is HttpRequestException or TaskCanceledException or JsonException)
        {
            Count("read", null);
            await Task.Delay(20, CancellationToken.None).ConfigureAwait(false);
        }
    }

    private async Task WriteDurableAsync(int client, Random random, long seq, CancellationToken stop)
    {
        var round = Round;
        var id = $"d-{client.ToString(CultureInfo.InvariantCulture)}-{seq.ToString(CultureInfo.InvariantCulture)}";
        var body = $$$"""{"Node":"{{{DurableNode}}}","Address":"10.0.0.2","Service":{"ID":"{{{id}}}","Service":"{{{DurableService(round)}}}","Port":81}}""";
        if (await PutAsync(Target(random), "/v1/catalog/register", body).ConfigureAwait(false) == WriteOutcome.Acknowledged)
        {
            Interlocked.Increment(ref _acknowledged);
            _durable.Enqueue((round, id));
        }
    }

    private async Task<WriteOutcome> PutAsync(ServerProcess server, string path, string body)
    {
        try
        {
            using var content = new StringContent(body, Encoding.UTF8, "application/json");
            using var response = await _http.PutAsync(new Uri(server.HttpAddress, path), content, CancellationToken.None).ConfigureAwait(false);
            var text = await response.Content.ReadAsStringAsync(CancellationToken.None).ConfigureAwait(false);
            Count("write", response.StatusCode);
            return response.StatusCode switch
            {
                HttpStatusCode.OK when text.Trim() == "true" => WriteOutcome.Acknowledged,
                HttpStatusCode.OK => WriteOutcome.Ambiguous,
                >= HttpStatusCode.InternalServerError => WriteOutcome.Ambiguous,
                _ => WriteOutcome.Rejected,
            };
        }
        catch (HttpRequestException error) when (error.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused })
        {
            // Nothing was sent: the write cannot have applied.
            Count("write", null);
            return WriteOutcome.Rejected;
        }
        catch (Exception error) when (error is HttpRequestException or TaskCanceledException or IOException)
        {
            Count("write", null);
            return WriteOutcome.Ambiguous;
        }
    }

    public void Dispose() => _http.Dispose();

    private enum WriteOutcome
    {
        Acknowledged,
        Ambiguous,
        Rejected,
    }
}
