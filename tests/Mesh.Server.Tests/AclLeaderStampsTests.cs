using Mesh.Fsm.Commands;
using Mesh.Fsm.Model.Acl;

namespace Mesh.Server.Tests;

public sealed class AclLeaderStampsTests
{
    private static readonly AclToken Token = new() { AccessorId = Guid.NewGuid().ToString(), SecretId = Guid.NewGuid().ToString() };

    [Fact]
    public void NewTokenGetsTheLeadersTime_AndItsExpiryFromTheTtl()
    {
        var stamped = (AclTokenSetCommand)AclLeaderStamps.Apply(new AclTokenSetCommand { Token = Token with { ExpirationTtlMilliseconds = 60_000 } }, 1_000_000);

        Assert.Equal(1_000_000, stamped.Token.CreateTimeUnixMilliseconds);
        Assert.Equal(1_060_000, stamped.Token.ExpirationTimeUnixMilliseconds);
    }

    [Fact]
    public void TimesAlreadySetAreKept_AndOtherCommandsPassUnchanged()
    {
        var pinned = new AclTokenSetCommand { Token = Token with { CreateTimeUnixMilliseconds = 5, ExpirationTimeUnixMilliseconds = 90_000 } };
        Assert.Same(pinned, AclLeaderStamps.Apply(pinned, 1_000_000));

        var clone = (AclTokenSetCommand)AclLeaderStamps.Apply(new AclTokenSetCommand { Token = Token with { ExpirationTimeUnixMilliseconds = 2_000_000 } }, 1_000_000);
        Assert.Equal(2_000_000, clone.Token.ExpirationTimeUnixMilliseconds);

        var bootstrap = (AclBootstrapCommand)AclLeaderStamps.Apply(new AclBootstrapCommand { Token = Token }, 7);
        Assert.Equal(7, bootstrap.Token.CreateTimeUnixMilliseconds);
        Assert.Equal(0, bootstrap.Token.ExpirationTimeUnixMilliseconds);

        var other = new AclPolicyDeleteCommand { PolicyId = "x" };
        Assert.Same(other, AclLeaderStamps.Apply(other, 7));
    }
}
