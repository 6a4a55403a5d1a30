using Mesh.Fsm.Commands;
using Mesh.Fsm.Model.Acl;
namespace Mesh.Testing;

/// <summary>
/// Creates policies and tokens in a test server by proposing the FSM commands through the server's own command
/// pipeline (what the ACL HTTP API does once it exists), with the leader's stamps filled in by the test.
/// </summary>
public static class AclTestTokens
{
    /// <summary>Creates a policy with these rules and a token linking it; returns the token's secret.</summary>
    public static async Task<string> CreateAsync(TestServer server, string rules)
    {
        var policyId = Guid.NewGuid().ToString();
        await ProposeAsync(server, new AclPolicySetCommand
        {
            Policy = new AclPolicy { Id = policyId, Name = "p-" + Guid.NewGuid().ToString("N")[..12], Rules = rules },
        });
        return await CreateTokenAsync(server, [policyId]);
    }

    /// <summary>A token linking these policies; returns its secret. Pass the accessor to delete it later.</summary>
    public static async Task<string> CreateTokenAsync(TestServer server, IReadOnlyList<string> policyIds, string? accessorId = null)
    {
        var secret = Guid.NewGuid().ToString();
        await ProposeAsync(server, new AclTokenSetCommand
        {
            Token = new AclToken
            {
                AccessorId = accessorId ?? Guid.NewGuid().ToString(),
                SecretId = secret,
                Description = "test token",
                Policies = [.. policyIds.Select(id => new AclLink { Id = id })],
                CreateTimeUnixMilliseconds = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            },
        });
        return secret;
    }

    /// <summary>A token with unlimited access (linked to the built-in global-management policy).</summary>
    public static async Task<string> ManagementAsync(TestServer server)
    {
        if (server.Server.Fsm.Current.FindAclPolicy(AclBuiltins.ManagementPolicyId) is null)
        {
            await ProposeAsync(server, new AclPolicySetCommand
            {
                Policy = new AclPolicy
                {
                    Id = AclBuiltins.ManagementPolicyId,
                    Name = AclBuiltins.ManagementPolicyName,
                    Description = AclBuiltins.ManagementPolicyDescription,
                    Rules = AclBuiltins.ManagementRules,
                },
            });
        }

        return await CreateTokenAsync(server, [AclBuiltins.ManagementPolicyId]);
    }

    public static Task DeleteTokenAsync(TestServer server, string accessorId) => ProposeAsync(server, new AclTokenDeleteCommand { AccessorId = accessorId });

    /// <summary>Proposes a command as the leader would, without an access check (the test acts as the operator).</summary>
    public static async Task ProposeAsync(TestServer server, Command command)
    {
        var result = await server.Server.Runtime.Commands.ProposeAsync(command, CancellationToken.None);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"{command.GetType().Name} refused: {result.Error}");
        }
    }
}
