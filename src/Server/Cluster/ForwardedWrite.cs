using Mesh.Fsm.Commands;

namespace Mesh.Server.Cluster;

/// <summary>One write waiting in a follower's forwarding queue, completed with the leader's answer for it alone.</summary>
internal sealed class ForwardedWrite(ApplyRequest request, CancellationToken cancellationToken)
{
    private readonly TaskCompletionSource<ApplyResult> _answer = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ApplyRequest Request { get; } = request;

    /// <summary>The caller gave up before the write was sent: it is dropped from its batch, never sent.</summary>
    public bool IsAbandoned => cancellationToken.IsCancellationRequested;

    public Task<ApplyResult> Answer => _answer.Task;

    public void Complete(ApplyResult result) => _answer.TrySetResult(result);

    public void Fail(Exception error) => _answer.TrySetException(error);

    public void Abandon() => _answer.TrySetCanceled(cancellationToken);
}
