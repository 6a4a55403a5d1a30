using Mesh.Ca;
using Mesh.Ca.Config;
using Mesh.Ca.Signing;
using Mesh.Fsm;
using Mesh.Fsm.Commands;
using Mesh.Raft;
using Mesh.Server.Access;
using Mesh.Server.Cluster;
using Microsoft.Extensions.Logging;

namespace Mesh.Server;

/// <summary>The Connect CA's view of this server: its store, Raft leadership, the write pipeline and leader signing.</summary>
public sealed class ServerCaHost(
    StateMachine fsm,
    RaftServer raft,
    CommandPipeline commands,
    LeafSigningForwarder signing,
    AgentIdentity self,
    CaProviderConfig initialConfig,
    TimeProvider clock,
    ILoggerFactory loggerFactory) : ICaHost
{
    public StateMachine Fsm => fsm;

    public bool IsLeader => raft.IsLeader;

    public string Datacenter => self.Datacenter;

    public TimeProvider Clock => clock;

    public CaProviderConfig InitialConfig => initialConfig;

    public ILoggerFactory LoggerFactory => loggerFactory;

    public ValueTask<ApplyResult> ProposeAsync(Command command, CancellationToken cancellationToken)
        => commands.ProposeAsync(command, cancellationToken);

    public ValueTask<ApplyResult> SubmitAsync(Command command, CancellationToken cancellationToken)
        => commands.SubmitAsync(command, RequestToken.Server, cancellationToken);

    public ValueTask<SignedLeaf> ForwardSignAsync(byte[] csr, CancellationToken cancellationToken)
        => signing.SignAsync(csr, cancellationToken);

    /// <summary>Waits on the change feed (no polling), bounded so a lost server cannot park the CA for ever.</summary>
    public async Task WaitForAppliedAsync(long index, CancellationToken cancellationToken)
    {
        if (fsm.Current.AppliedIndex >= index)
        {
            return;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        await fsm.Changes.WaitForIndexAsync(index, timeout.Token).ConfigureAwait(false);
    }
}
