namespace Mesh.Fsm.Commands;

/// <summary>The outcome of applying one command: the Raft index it was applied at, and a refusal reason if the FSM refused it.</summary>
public sealed record ApplyResult(long Index, string? Error = null, ApplyErrorKind ErrorKind = ApplyErrorKind.None)
{
    public bool Succeeded => Error is null;
}

/// <summary>Why the FSM refused a command; the API maps these to status codes.</summary>
public enum ApplyErrorKind
{
    None,
    NotFound,
    Invalid,
}
