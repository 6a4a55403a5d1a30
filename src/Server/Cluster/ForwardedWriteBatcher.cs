using System.Net;
using Mesh.Fsm.Commands;
using Mesh.Raft;

namespace Mesh.Server.Cluster;

/// <summary>
/// A follower's queue of writes for one leader. The first write finds no batch in flight and is sent at once, alone
/// (no added latency at one client); writes that arrive while <see cref="Window"/> batches are in flight wait and leave
/// together, up to <see cref="MaxBatch"/> in one <see cref="ApplyBatchRequest"/>, as soon as a batch is answered. The
/// sender of a batch keeps sending what queued behind it, so there is no dedicated loop to start or stop.
/// </summary>
/// <remarks>
/// Semantics are those of one call per write: each write is answered with its own index or error; a batch that was not
/// delivered (no connection) is reported as "leader unreachable" (safe to retry); a batch sent but unanswered makes
/// every write in it "may have applied"; the leader checks each write's own token; nothing is answered before the
/// leader has committed and applied it.
/// </remarks>
internal sealed class ForwardedWriteBatcher(EndPoint leader, LeaderRpc leaderRpc, TimeSpan timeout)
{
    private readonly Lock _gate = new();
    private readonly Queue<ForwardedWrite> _queued = new();
    private int _inFlight;
    private long _batchesSent;

    /// <summary>The most writes sent in one request.</summary>
    public int MaxBatch { get; init; } = 256;

    /// <summary>How many batches may be in flight to the leader at once (each on its own pooled connection).</summary>
    public int Window { get; init; } = 2;

    /// <summary>Batches sent so far (for tests and diagnostics).</summary>
    public long BatchesSent => Interlocked.Read(ref _batchesSent);

    public Task<ApplyResult> EnqueueAsync(ApplyRequest request, CancellationToken cancellationToken)
    {
        var write = new ForwardedWrite(request, cancellationToken);
        lock (_gate)
        {
            _queued.Enqueue(write);
            if (_inFlight >= Window)
            {
                return write.Answer;
            }

            _inFlight++;
        }

        _ = SendQueuedAsync();
        return write.Answer;
    }

    /// <summary>Sends batches until the queue is empty, then gives its window slot back.</summary>
    private async Task SendQueuedAsync()
    {
        while (TakeBatch() is { } batch)
        {
            await SendAsync(batch).ConfigureAwait(false);
        }
    }

    private List<ForwardedWrite>? TakeBatch()
    {
        lock (_gate)
        {
            List<ForwardedWrite>? batch = null;
            while (_queued.Count > 0 && (batch?.Count ?? 0) < MaxBatch)
            {
                var write = _queued.Dequeue();
                if (write.IsAbandoned)
                {
                    write.Abandon();
                    continue;
                }

                (batch ??= new List<ForwardedWrite>(Math.Min(_queued.Count + 1, MaxBatch))).Add(write);
            }

            if (batch is null)
            {
                _inFlight--;
            }

            return batch;
        }
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1031", Justification = "Every failure is handed to the writes it concerns; the sender must go on with the queue.")]
    private async Task SendAsync(List<ForwardedWrite> batch)
    {
        Interlocked.Increment(ref _batchesSent);
        try
        {
            if (batch.Count == 1)
            {
                batch[0].Complete(await LeaderForwarder.ForwardOneAsync(leaderRpc, leader, batch[0].Request, timeout, CancellationToken.None).ConfigureAwait(false));
                return;
            }

            ApplyBatchResponse? response;
            try
            {
                response = await leaderRpc.CallAsync<ApplyBatchResponse>(leader, new ApplyBatchRequest { Writes = batch.ConvertAll(w => w.Request) }, timeout, CancellationToken.None).ConfigureAwait(false);
            }
            catch (LeaderCallException call) when (call.InnerException is InvalidDataException)
            {
                // A leader that predates batches answers "unknown RPC" and applies nothing: send them one by one.
                foreach (var write in batch)
                {
                    write.Complete(await LeaderForwarder.ForwardOneAsync(leaderRpc, leader, write.Request, timeout, CancellationToken.None).ConfigureAwait(false));
                }

                return;
            }
            catch (LeaderCallException call)
            {
                var error = LeaderForwarder.Translate(call);
                batch.ForEach(w => w.Fail(error));
                return;
            }

            if (response is null)
            {
                batch.ForEach(w => w.Fail(new NoLeaderException("No cluster leader")));
                return;
            }

            if (response.Results.Count != batch.Count)
            {
                var mismatch = new NoLeaderException($"The leader answered {response.Results.Count} of {batch.Count} forwarded writes; they may or may not have been applied") { MayHaveApplied = true };
                batch.ForEach(w => w.Fail(mismatch));
                return;
            }

            for (var i = 0; i < batch.Count; i++)
            {
                var answer = response.Results[i];
                if (answer.NotLeader)
                {
                    // Refused before it was appended (leadership moved mid-batch): safe to send again to the next leader.
                    batch[i].Fail(new LeaderUnreachableException($"The leader at {leader} stepped down before appending the write"));
                }
                else
                {
                    try
                    {
                        batch[i].Complete(LeaderForwarder.ResultOf(answer));
                    }
                    catch (NoLeaderException error)
                    {
                        batch[i].Fail(error);
                    }
                }
            }
        }
        catch (Exception error)
        {
            batch.ForEach(w => w.Fail(error));
        }
    }
}
