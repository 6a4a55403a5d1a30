using Mesh.Fsm;
using Mesh.Fsm.Commands;
using Mesh.Fsm.Model.Acl;

namespace Mesh.Acl.Tests.Resolution;

/// <summary>A real state machine fed ACL commands, as the leader would write them.</summary>
internal sealed class AclStore
{
    private long _index;

    public StateMachine Fsm { get; } = new();

    public ApplyResult Apply(Command command)
    {
        var result = Fsm.Apply(++_index, new LogRecord { Command = command });
        Assert.True(result.Succeeded, result.Error);
        return result;
    }

    public static string NewId() => Guid.NewGuid().ToString();

    public AclPolicy Policy(string name, string rules, params string[] datacenters)
    {
        var policy = new AclPolicy { Id = NewId(), Name = name, Rules = rules, Datacenters = datacenters };
        Apply(new AclPolicySetCommand { Policy = policy });
        return Fsm.Current.FindAclPolicy(policy.Id)!;
    }

    public AclToken Token(Func<AclToken, AclToken>? shape = null)
    {
        var token = new AclToken { AccessorId = NewId(), SecretId = NewId(), CreateTimeUnixMilliseconds = 1_000 };
        token = shape is null ? token : shape(token);
        Apply(new AclTokenSetCommand { Token = token });
        return Fsm.Current.FindAclToken(token.AccessorId)!;
    }

    public static AclLink Link(AclPolicy policy) => new() { Id = policy.Id, Name = policy.Name };
}

/// <summary>A clock the test moves by hand.</summary>
internal sealed class ManualClock(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
