namespace Mesh.Fsm.Commands;

/// <summary>The outcome of applying one command: the Raft index it was applied at, and a refusal reason if the FSM refused it.</summary>
public sealed record ApplyResult(long Index, string? Error = null, ApplyErrorKind ErrorKind = ApplyErrorKind.None)
{
    /// <summary>A value the command produced (the first reserved serial number, ...).</summary>
    public long Value { get; init; }

    /// <summary>For a <see cref="GroupCommand"/> entry, each command's own result, in order; null for any other entry.</summary>
    public IReadOnlyList<ApplyResult>? Grouped { get; init; }

    public bool Succeeded => Error is null;
}

/// <summary>Why the FSM refused a command; the API maps these to status codes.</summary>
public enum ApplyErrorKind
{
    None,
    NotFound,
    Invalid,

    /// <summary>A compare-and-set lost: the API answers <c>false</c>, not an error.</summary>
    CasConflict,

    /// <summary>The leader's access policy refused a forwarded write's token (never produced by the FSM itself).</summary>
    PermissionDenied,

    /// <summary>The command conflicts with existing state (ACL already bootstrapped, a policy still in use): 403/409 at the edge.</summary>
    Conflict,
}
