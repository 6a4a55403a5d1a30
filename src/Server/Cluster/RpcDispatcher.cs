using System.Net;
using Mesh.Fsm.Commands;
using Mesh.Raft;
using Mesh.Server;
using Mesh.Server.Access;
using MessagePack;

namespace Mesh.Server.Cluster;

/// <summary>Answers other servers' RPC requests on this server.</summary>
public sealed class RpcDispatcher(ServerRuntime runtime, int bootstrapExpect) : IServerRpcHandler
{
    /// <summary>Where RPCs received are counted (<c>consul.rpc.request</c>); null counts nothing.</summary>
    public Metrics.ServerInstruments? Instruments { get; init; }

    public async Task<byte[]> HandleAsync(byte[] frame, CancellationToken cancellationToken)
    {
        RpcResponse response;
        var requestType = "Undecodable";
        try
        {
            var request = MessagePackSerializer.Deserialize<RpcRequest>(frame, LogCodec.Options, cancellationToken);
            requestType = request.GetType().Name;
            response = request switch
            {
                InfoRequest => Info(),
                JoinRequest join => await JoinAsync(join, cancellationToken).ConfigureAwait(false),
                ApplyRequest apply => await ApplyAsync(apply, cancellationToken).ConfigureAwait(false),
                ApplyBatchRequest batch => await ApplyBatchAsync(batch, cancellationToken).ConfigureAwait(false),
                TtlHeartbeatRequest heartbeat => Heartbeat(heartbeat),
                RemovePeerRequest remove => await RemovePeerAsync(remove, cancellationToken).ConfigureAwait(false),
                SignLeafRequest sign => await LeafSigningForwarder.AnswerAsync(runtime, sign, cancellationToken).ConfigureAwait(false),
                ReadIndexRequest => await ConsistentReadBarrier.AnswerAsync(runtime, cancellationToken).ConfigureAwait(false),
                StepDownRequest => await StepDownAsync(cancellationToken).ConfigureAwait(false),
                ElectionHoldRequest hold => await HoldAsync(hold, cancellationToken).ConfigureAwait(false),
                DatacenterHealthRequest health => await HealthAsync(health, cancellationToken).ConfigureAwait(false),
                _ => new AckResponse { Error = $"unknown RPC {request.GetType().Name}" },
            };
        }
        catch (MessagePackSerializationException error)
        {
            response = new AckResponse { Error = $"undecodable RPC request: {error.Message}" };
        }

        Instruments?.RecordRpc(requestType, response is AckResponse { Ok: false, Error: not null });
        return MessagePackSerializer.Serialize(response, LogCodec.Options, cancellationToken);
    }

    public InfoResponse Info()
    {
        var raft = runtime.Raft;
        return new InfoResponse
        {
            NodeName = runtime.Self.NodeName,
            NodeId = runtime.Self.NodeId,
            Datacenter = runtime.Self.Datacenter,
            RaftAddress = ServerAddress.Format(runtime.Self.ServerEndPoint),
            BootstrapExpect = bootstrapExpect,
            HasState = !raft.IsFresh || (raft.IsConsensusStarted && raft.Members.Count > 0 && raft.Leader is not null),
            Leader = raft.Leader is { } leader ? ServerAddress.Format(leader) : string.Empty,
            Term = raft.Term,
            LastIndex = raft.LastLogIndex,
            AppliedIndex = raft.AppliedIndex,
            Members = [.. raft.Members.Select(ServerAddress.Format)],
            Version = MeshVersion.Current,
            WanAddress = runtime.Self.AdvertiseWanAddress,
            ReadsGroupedEntries = true,
        };
    }

    private async Task<RpcResponse> JoinAsync(JoinRequest join, CancellationToken cancellationToken)
    {
        if (!runtime.Self.IsLocalDatacenter(join.Datacenter))
        {
            return new AckResponse { Error = $"datacenter mismatch: this cluster is \"{runtime.Self.Datacenter}\", the joining server is in \"{join.Datacenter}\"" };
        }

        if (!runtime.Raft.IsLeader)
        {
            return NotLeaderAck();
        }

        var member = ServerRpc.ParseEndPoint(join.RaftAddress, 8300);
        if (runtime.Raft.Members.Any(m => ServerAddress.Format(m) == join.RaftAddress))
        {
            return new AckResponse { Ok = true };
        }

        try
        {
            var added = await runtime.Raft.AddVoterAsync(member, cancellationToken).ConfigureAwait(false);
            return new AckResponse { Ok = added, Error = added ? null : "the server could not be caught up in time; retry" };
        }
        catch (NotLeaderException)
        {
            return NotLeaderAck();
        }
        catch (InvalidOperationException error)
        {
            return new AckResponse { Error = error.Message };
        }
    }

    private async Task<ApplyResponse> ApplyAsync(ApplyRequest apply, CancellationToken cancellationToken)
    {
        if (Refusal(apply) is { } refused)
        {
            return refused;
        }

        try
        {
            return await AnswerAsync(runtime.Commands.ProposeAsync(apply.Command, cancellationToken).AsTask()).ConfigureAwait(false);
        }
        catch (Exception error) when (error is NotLeaderException or NoLeaderException)
        {
            return new ApplyResponse { NotLeader = true, LeaderHint = LeaderHint() };
        }
    }

    /// <summary>The answer for a forwarded write refused before it is proposed (not the leader, or its token lacks permission).</summary>
    private ApplyResponse? Refusal(ApplyRequest apply)
    {
        if (!runtime.Raft.IsLeader)
        {
            return new ApplyResponse { NotLeader = true, LeaderHint = LeaderHint() };
        }

        // The follower passed on its request's token: the leader's access policy has the last word on the write.
        if (!apply.Internal && runtime.Access.CheckForwarded(RequestToken.FromSecret(apply.Token), apply.Command) is { } denied)
        {
            return new ApplyResponse { Error = denied, ErrorKind = ApplyErrorKind.PermissionDenied };
        }

        return null;
    }

    /// <summary>A proposed write's answer: its result, "not leader" if it was refused before the append, or "unknown outcome".</summary>
    private async Task<ApplyResponse> AnswerAsync(Task<ApplyResult> proposed)
    {
        try
        {
            var result = await proposed.ConfigureAwait(false);
            return new ApplyResponse { Index = result.Index, Error = result.Error, ErrorKind = result.ErrorKind };
        }
        catch (NoLeaderException error) when (error.MayHaveApplied)
        {
            // Following a hint here would send the command to the next leader, which may also commit this append:
            // applied twice, an older value could overwrite a newer one (the fault harness saw that as stale reads).
            return new ApplyResponse { OutcomeUnknown = true, Error = error.Message };
        }
        catch (Exception error) when (error is NotLeaderException or NoLeaderException)
        {
            return new ApplyResponse { NotLeader = true, LeaderHint = LeaderHint() };
        }
    }

    /// <summary>
    /// A follower's batch of forwarded writes: each is checked as if it came alone, the allowed ones are proposed
    /// together (so they share log entries, replication rounds and flushes: one entry when the coalescer's bounds allow),
    /// and each gets its own answer (in request order).
    /// </summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1031", Justification = "One write failing in an unexpected way must not take its batch's other answers with it.")]
    private async Task<ApplyBatchResponse> ApplyBatchAsync(ApplyBatchRequest batch, CancellationToken cancellationToken)
    {
        if (!runtime.Raft.IsLeader)
        {
            return new ApplyBatchResponse { NotLeader = true, LeaderHint = LeaderHint() };
        }

        var results = new ApplyResponse[batch.Writes.Count];
        var proposed = new List<int>(results.Length);
        for (var i = 0; i < results.Length; i++)
        {
            if (Refusal(batch.Writes[i]) is { } refused)
            {
                results[i] = refused;
            }
            else
            {
                proposed.Add(i);
            }
        }

        IReadOnlyList<Task<ApplyResult>> pending;
        try
        {
            pending = runtime.Commands.ProposeAll([.. proposed.Select(i => batch.Writes[i].Command)], cancellationToken);
        }
        catch (Exception error) when (error is NotLeaderException or NoLeaderException)
        {
            // Refused before anything was queued: every write of the batch may go to the next leader.
            return new ApplyBatchResponse { NotLeader = true, LeaderHint = LeaderHint() };
        }

        for (var p = 0; p < proposed.Count; p++)
        {
            try
            {
                results[proposed[p]] = await AnswerAsync(pending[p]).ConfigureAwait(false);
            }
            catch (Exception error)
            {
                // Alone, this write's connection would have dropped and its sender reported "may have applied".
                results[proposed[p]] = new ApplyResponse { OutcomeUnknown = true, Error = error.Message };
            }
        }

        return new ApplyBatchResponse { Results = results };
    }

    private AckResponse Heartbeat(TtlHeartbeatRequest heartbeat)
    {
        if (runtime.Fsm.Current.FindCheck(heartbeat.Node, heartbeat.CheckId) is { } check)
        {
            runtime.Ttl.Heartbeat(check);
        }

        return new AckResponse { Ok = true };
    }

    private async Task<RpcResponse> RemovePeerAsync(RemovePeerRequest remove, CancellationToken cancellationToken)
    {
        if (!runtime.Raft.IsLeader)
        {
            return NotLeaderAck();
        }

        var member = runtime.Raft.Members.FirstOrDefault(m => ServerAddress.Format(m) == remove.Address);
        if (member is null)
        {
            return new AckResponse { Error = $"address \"{remove.Address}\" was not found in the Raft configuration" };
        }

        if (Equals(member, runtime.Raft.LocalEndPoint) || ServerAddress.Format(member) == ServerAddress.Format(runtime.Self.ServerEndPoint))
        {
            return new AckResponse { Error = "the leader cannot remove itself; stop it and remove it from another server" };
        }

        var removed = await runtime.Raft.RemoveMemberAsync(member, cancellationToken).ConfigureAwait(false);
        return new AckResponse { Ok = removed, Error = removed ? null : "the removal did not commit; retry" };
    }

    private async Task<RpcResponse> StepDownAsync(CancellationToken cancellationToken)
    {
        if (!runtime.Raft.IsLeader)
        {
            return NotLeaderAck();
        }

        try
        {
            var next = await runtime.Raft.StepDownAsync(TimeSpan.FromSeconds(10), cancellationToken).ConfigureAwait(false);
            return next is null
                ? new AckResponse { Error = "no other server was elected leader in time" }
                : new AckResponse { Ok = true, LeaderHint = ServerAddress.Format(next) };
        }
        catch (NotLeaderException)
        {
            return NotLeaderAck();
        }
    }

    private async Task<RpcResponse> HoldAsync(ElectionHoldRequest hold, CancellationToken cancellationToken)
    {
        if (hold.Milliseconds <= 0)
        {
            await runtime.Raft.ReleaseElectionHoldAsync(cancellationToken).ConfigureAwait(false);
            return new AckResponse { Ok = true };
        }

        // Bounded, so a transfer that never comes back cannot keep this server out of elections.
        var duration = TimeSpan.FromMilliseconds(Math.Min(hold.Milliseconds, 30_000));
        return await runtime.Raft.HoldOutOfElectionsAsync(duration, cancellationToken).ConfigureAwait(false)
            ? new AckResponse { Ok = true }
            : new AckResponse { Error = "not a follower in normal mode" };
    }

    /// <summary>Another datacenter's health query, answered from this server's store (any server of the datacenter answers).</summary>
    private async Task<RpcResponse> HealthAsync(DatacenterHealthRequest request, CancellationToken cancellationToken)
    {
        // Bounded: a caller's wait never holds a connection longer than Consul's longest blocking query.
        var wait = TimeSpan.FromMilliseconds(Math.Clamp(request.WaitMilliseconds, 0, (long)TimeSpan.FromMinutes(10).TotalMilliseconds));
        try
        {
            var answer = await new Federation.StoreHealthSource(runtime).QueryAsync(
                new Federation.DatacenterHealthQuery
                {
                    Datacenter = runtime.Self.Datacenter,
                    Service = request.Service,
                    Kind = request.Kind,
                    Connect = request.Connect,
                    MinIndex = request.MinIndex,
                    Wait = wait,
                    Token = request.Token,
                },
                cancellationToken).ConfigureAwait(false);
            return new DatacenterHealthResponse { Index = answer.Index, Rows = answer.Rows };
        }
        catch (Federation.DatacenterQueryException refused)
        {
            return new DatacenterHealthResponse { Error = refused.Message, PermissionDenied = refused.PermissionDenied };
        }
    }

    private AckResponse NotLeaderAck() => new() { NotLeader = true, LeaderHint = LeaderHint(), Error = "not the leader" };

    private string LeaderHint() => LeaderRpc.HintOf(runtime.Raft);
}
