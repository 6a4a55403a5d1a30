using Mesh.Fsm.Commands;
using Mesh.Fsm.Model.Acl;

namespace Mesh.Server;

/// <summary>
/// Times the leader stamps into ACL commands just before it appends them, so every server applies the same values
/// and expiry follows one clock: a new token's <c>CreateTime</c>, and its <c>ExpirationTime</c> from an
/// <c>ExpirationTTL</c>. A value already set (a clone keeps its source's expiry; tests pin times) is left alone.
/// </summary>
public static class AclLeaderStamps
{
    public static Command Apply(Command command, long nowUnixMilliseconds) => command switch
    {
        AclTokenSetCommand set when set.Token.CreateTimeUnixMilliseconds == 0 => set with { Token = Stamp(set.Token, nowUnixMilliseconds) },
        AclBootstrapCommand bootstrap when bootstrap.Token.CreateTimeUnixMilliseconds == 0 => bootstrap with { Token = Stamp(bootstrap.Token, nowUnixMilliseconds) },
        _ => command,
    };

    private static AclToken Stamp(AclToken token, long now) => token with
    {
        CreateTimeUnixMilliseconds = now,
        ExpirationTimeUnixMilliseconds = token.ExpirationTimeUnixMilliseconds == 0 && token.ExpirationTtlMilliseconds > 0
            ? now + token.ExpirationTtlMilliseconds
            : token.ExpirationTimeUnixMilliseconds,
    };
}
