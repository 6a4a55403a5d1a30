namespace Mesh.Raft;

/// <summary>Carried with a proposed entry through DotNext's log-entry context; completed on the leader when the entry is applied.</summary>
internal sealed class ProposalCompletion
{
    private readonly TaskCompletionSource<object?> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<object?> Task => _completion.Task;

    public void Complete(object? result) => _completion.TrySetResult(result);

    public void Fail(Exception error) => _completion.TrySetException(error);
}
