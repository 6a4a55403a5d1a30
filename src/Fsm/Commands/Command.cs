using MessagePack;

namespace Mesh.Fsm.Commands;

/// <summary>
/// A state change, appended to the Raft log and applied by <see cref="StateMachine"/>.
/// The union key is the stable type tag written into the log: never reuse or renumber one.
/// </summary>
[Union(1, typeof(RegisterCommand))]
[Union(2, typeof(DeregisterCommand))]
[Union(3, typeof(UpdateCheckCommand))]
[Union(4, typeof(BatchCommand))]
[Union(5, typeof(RestoreStateCommand))]
[Union(6, typeof(GroupCommand))]
[Union(10, typeof(UpsertConfigEntryCommand))]
[Union(11, typeof(DeleteConfigEntryCommand))]
[Union(20, typeof(CaSetStateCommand))]
[Union(21, typeof(CaReserveSerialsCommand))]
[Union(30, typeof(AclTokenSetCommand))]
[Union(31, typeof(AclTokenDeleteCommand))]
[Union(32, typeof(AclTokensExpireCommand))]
[Union(33, typeof(AclPolicySetCommand))]
[Union(34, typeof(AclPolicyDeleteCommand))]
[Union(35, typeof(AclRoleSetCommand))]
[Union(36, typeof(AclRoleDeleteCommand))]
[Union(37, typeof(AclBootstrapCommand))]
[Union(40, typeof(AutopilotSetConfigCommand))]
public abstract record Command;
