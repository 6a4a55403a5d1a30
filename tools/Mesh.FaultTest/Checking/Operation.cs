namespace Mesh.FaultTest.Checking;

/// <summary>What a client did to one register: a write of a value or a read that returned a value (null = absent).</summary>
public enum OperationKind
{
    Write,
    Read,
}

/// <summary>
/// One operation on one key as the client saw it: invoked at <see cref="Call"/>, answered at <see cref="Return"/>
/// (monotonic ticks). A write whose outcome is unknown (timeout, 5xx, connection lost after sending) has
/// <see cref="Return"/> = <see cref="long.MaxValue"/>: it may take effect at any time after its call, or never.
/// </summary>
public sealed record Operation(string Key, OperationKind Kind, string? Value, long Call, long Return, int Client)
{
    public const long Pending = long.MaxValue;

    public bool IsPending => Return == Pending;
}
