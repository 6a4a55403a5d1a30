using MessagePack;

namespace Mesh.Fsm.Model.Acl;

/// <summary>
/// Whether <c>PUT /v1/acl/bootstrap</c> (or the initial management token) has run. <see cref="BootstrapIndex"/> is the
/// Raft index it ran at; it is also Consul's "reset index": an operator who writes it to the reset file may bootstrap again.
/// </summary>
[MessagePackObject]
public sealed record AclBootstrapState
{
    [Key(0)]
    public long BootstrapIndex { get; init; }

    /// <summary>The reset index that allowed the latest re-bootstrap (0 if never reset).</summary>
    [Key(1)]
    public long ResetIndex { get; init; }
}
