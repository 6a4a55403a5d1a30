using Mesh.Fsm.Commands;
using Mesh.Fsm.Model.Acl;
using Mesh.Fsm.State;

namespace Mesh.Fsm;

/// <summary>
/// ACL commands. Every invariant that spans rows (links resolve, names and secrets unique, built-ins protected,
/// bootstrap once) is checked here, inside apply, so two racing writes through different servers cannot both pass.
/// Messages name accessors, IDs and names, never a secret.
/// </summary>
internal static class AclApply
{
    public static ApplyResult SetToken(StoreTransaction tx, AclTokenSetCommand command)
    {
        var token = command.Token;
        var existing = tx.State.FindAclToken(token.AccessorId);
        if (command.ExpectedModifyIndex != 0 && existing?.ModifyIndex != command.ExpectedModifyIndex)
        {
            return Refuse(tx, $"token {token.AccessorId} changed since index {command.ExpectedModifyIndex}", ApplyErrorKind.CasConflict);
        }

        if (ValidateToken(tx.State, token, existing) is { } error)
        {
            return Refuse(tx, error, ApplyErrorKind.Invalid);
        }

        // CreateTime and expiration are fixed when the token is created.
        var row = existing is null ? token : token with
        {
            CreateTimeUnixMilliseconds = existing.CreateTimeUnixMilliseconds,
            ExpirationTimeUnixMilliseconds = existing.ExpirationTimeUnixMilliseconds,
            ExpirationTtlMilliseconds = existing.ExpirationTtlMilliseconds,
        };
        tx.UpsertAclToken(WithCurrentNames(tx.State, row));
        return new ApplyResult(tx.Index);
    }

    public static ApplyResult DeleteToken(StoreTransaction tx, AclTokenDeleteCommand command)
    {
        if (command.AccessorId == AclBuiltins.AnonymousTokenAccessorId)
        {
            return Refuse(tx, "Delete operation not permitted on the anonymous token", ApplyErrorKind.Invalid);
        }

        if (tx.State.FindAclToken(command.AccessorId) is null)
        {
            return Refuse(tx, $"token {command.AccessorId} not found", ApplyErrorKind.NotFound);
        }

        tx.DeleteAclToken(command.AccessorId);
        return new ApplyResult(tx.Index);
    }

    public static ApplyResult ExpireTokens(StoreTransaction tx, AclTokensExpireCommand command)
    {
        // A scan: the leader reaps at most once a minute or so and token tables are small next to the catalog.
        var expired = tx.State.AclTokens.Values.Where(t => t.IsExpiredAt(command.NowUnixMilliseconds)).Select(t => t.AccessorId).ToList();
        foreach (var accessor in expired)
        {
            tx.DeleteAclToken(accessor);
        }

        return new ApplyResult(tx.Index) { Value = expired.Count };
    }

    public static ApplyResult SetPolicy(StoreTransaction tx, AclPolicySetCommand command)
    {
        var policy = command.Policy;
        var existing = tx.State.FindAclPolicy(policy.Id);
        if (ValidatePolicy(tx.State, policy, existing) is { } error)
        {
            return Refuse(tx, error, ApplyErrorKind.Invalid);
        }

        var row = tx.UpsertAclPolicy(policy);
        if (existing is not null && existing.Name != row.Name)
        {
            RefreshLinkNames(tx);
        }

        return new ApplyResult(tx.Index);
    }

    public static ApplyResult DeletePolicy(StoreTransaction tx, AclPolicyDeleteCommand command)
    {
        if (command.PolicyId == AclBuiltins.ManagementPolicyId)
        {
            return Refuse(tx, "Delete operation not permitted on the builtin global-management policy", ApplyErrorKind.Invalid);
        }

        if (command.PolicyId == AclBuiltins.ReadOnlyPolicyId)
        {
            return Refuse(tx, "Delete operation not permitted on the builtin global-read-only policy", ApplyErrorKind.Invalid);
        }

        var policy = tx.State.FindAclPolicy(command.PolicyId);
        if (policy is null)
        {
            return Refuse(tx, $"policy {command.PolicyId} not found", ApplyErrorKind.NotFound);
        }

        // Consul deletes a policy that tokens or roles still link; the dangling links vanish from every read and
        // grant nothing. Here the links are removed in the same apply, so the stored rows never dangle.
        tx.DeleteAclPolicy(policy.Id);
        foreach (var role in tx.State.AclRoles.Values.Where(r => r.Policies.Any(l => l.Id == policy.Id)).ToList())
        {
            tx.UpsertAclRole(role with { Policies = [.. role.Policies.Where(l => l.Id != policy.Id)] });
        }

        foreach (var token in tx.State.AclTokens.Values.Where(t => t.Policies.Any(l => l.Id == policy.Id)).ToList())
        {
            tx.UpsertAclToken(token with { Policies = [.. token.Policies.Where(l => l.Id != policy.Id)] });
        }

        return new ApplyResult(tx.Index);
    }

    public static ApplyResult SetRole(StoreTransaction tx, AclRoleSetCommand command)
    {
        var role = command.Role;
        var existing = tx.State.FindAclRole(role.Id);
        if (ValidateRole(tx.State, role) is { } error)
        {
            return Refuse(tx, error, ApplyErrorKind.Invalid);
        }

        var row = tx.UpsertAclRole(role with { Policies = [.. role.Policies.Select(l => l with { Name = tx.State.AclPolicyName(l.Id)! })] });
        if (existing is not null && existing.Name != row.Name)
        {
            RefreshLinkNames(tx);
        }

        return new ApplyResult(tx.Index);
    }

    public static ApplyResult DeleteRole(StoreTransaction tx, AclRoleDeleteCommand command)
    {
        var role = tx.State.FindAclRole(command.RoleId);
        if (role is null)
        {
            return Refuse(tx, $"role {command.RoleId} not found", ApplyErrorKind.NotFound);
        }

        // As for policies: Consul deletes a linked role and its links stop counting; here they are removed at once.
        tx.DeleteAclRole(role.Id);
        foreach (var token in tx.State.AclTokens.Values.Where(t => t.Roles.Any(l => l.Id == role.Id)).ToList())
        {
            tx.UpsertAclToken(token with { Roles = [.. token.Roles.Where(l => l.Id != role.Id)] });
        }

        return new ApplyResult(tx.Index);
    }

    public static ApplyResult Bootstrap(StoreTransaction tx, AclBootstrapCommand command)
    {
        var state = tx.State.AclBootstrap;
        if (state is not null && (command.ResetIndex == 0 || command.ResetIndex != state.BootstrapIndex))
        {
            return new ApplyResult(tx.Index, $"ACL bootstrap no longer allowed (reset index: {state.BootstrapIndex})", ApplyErrorKind.Conflict)
            {
                Value = state.BootstrapIndex,
            };
        }

        if (tx.State.FindAclPolicy(AclBuiltins.ManagementPolicyId) is null)
        {
            if (tx.State.FindAclPolicyByName(AclBuiltins.ManagementPolicyName) is { } clash)
            {
                return Refuse(tx, $"policy {clash.Id} already has the name \"{AclBuiltins.ManagementPolicyName}\"", ApplyErrorKind.Invalid);
            }

            tx.UpsertAclPolicy(AclBuiltins.ManagementPolicy);
        }

        var token = command.Token;
        if (!token.Policies.Any(l => l.Id == AclBuiltins.ManagementPolicyId))
        {
            return Refuse(tx, "the bootstrap token must link the global-management policy", ApplyErrorKind.Invalid);
        }

        var existing = tx.State.FindAclToken(token.AccessorId);
        if (existing is not null)
        {
            return Refuse(tx, $"token {token.AccessorId} already exists", ApplyErrorKind.Invalid);
        }

        if (ValidateToken(tx.State, token, null) is { } error)
        {
            return Refuse(tx, error, ApplyErrorKind.Invalid);
        }

        tx.UpsertAclToken(WithCurrentNames(tx.State, token));
        tx.SetAclBootstrap(new AclBootstrapState { BootstrapIndex = tx.Index, ResetIndex = command.ResetIndex });
        return new ApplyResult(tx.Index);
    }

    private static string? ValidateToken(StoreState state, AclToken token, AclToken? existing)
    {
        if (!AclNames.IsUuid(token.AccessorId))
        {
            return $"AccessorID \"{token.AccessorId}\" is not a UUID";
        }

        var anonymous = token.AccessorId == AclBuiltins.AnonymousTokenAccessorId;
        if (anonymous ? token.SecretId != AclBuiltins.AnonymousTokenSecret : !AclNames.IsUuid(token.SecretId))
        {
            return anonymous ? "the anonymous token's SecretID cannot change" : "SecretID is not a UUID";
        }

        if (existing is not null && existing.SecretId != token.SecretId)
        {
            return "Cannot change a token's SecretID";
        }

        if (existing is not null && existing.Local != token.Local)
        {
            return "Cannot toggle local mode of a token";
        }

        if (existing is not null && token.ExpirationTimeUnixMilliseconds != 0
            && token.ExpirationTimeUnixMilliseconds != existing.ExpirationTimeUnixMilliseconds)
        {
            return "Cannot change expiration time of a token";
        }

        if (state.AclTokensBySecret.TryGetValue(token.SecretId, out var owner) && owner != token.AccessorId)
        {
            return "SecretID is already in use by another token";
        }

        if (existing is null && token.ExpirationTimeUnixMilliseconds != 0 && token.ExpirationTimeUnixMilliseconds <= token.CreateTimeUnixMilliseconds)
        {
            return "ExpirationTime must be after CreateTime";
        }

        return ValidateDescription(token.Description)
            ?? ValidateLinks(token.Policies, "policy", id => state.FindAclPolicy(id) is not null)
            ?? ValidateLinks(token.Roles, "role", id => state.FindAclRole(id) is not null)
            ?? ValidateIdentities(token.ServiceIdentities, token.NodeIdentities)
            ?? ValidateTemplates(token.TemplatedPolicies);
    }

    private static string? ValidatePolicy(StoreState state, AclPolicy policy, AclPolicy? existing)
    {
        if (!AclNames.IsUuid(policy.Id))
        {
            return $"policy ID \"{policy.Id}\" is not a UUID";
        }

        var builtin = AclBuiltins.IsBuiltinPolicyId(policy.Id);
        if (!builtin && policy.Id.StartsWith(AclBuiltins.ReservedIdPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return $"policy ID \"{policy.Id}\" is in the range reserved for built-in policies";
        }

        if (builtin ? policy.Name.Length is 0 or > 128 : !AclNames.IsPolicyName(policy.Name))
        {
            return $"Invalid Policy: invalid Name \"{policy.Name}\": only alphanumerics, '-' and '_', 1 to 128 characters";
        }

        if (state.FindAclPolicyByName(policy.Name) is { } named && named.Id != policy.Id)
        {
            return $"Invalid Policy: A Policy with Name \"{policy.Name}\" already exists";
        }

        if (policy.Rules.Length > AclNames.MaxRulesLength)
        {
            return $"Invalid Policy: rules are {policy.Rules.Length} characters, more than the limit of {AclNames.MaxRulesLength}";
        }

        var fixedRules = policy.Id switch
        {
            AclBuiltins.ManagementPolicyId => AclBuiltins.ManagementRules,
            AclBuiltins.ReadOnlyPolicyId => AclBuiltins.ReadOnlyRules,
            _ => null,
        };
        if (fixedRules is not null && policy.Rules != fixedRules && (existing is null || policy.Rules != existing.Rules))
        {
            return "Changing the Rules for the builtin global-management policy is not permitted";
        }

        if (policy.Datacenters.Count > AclNames.MaxLinks || policy.Datacenters.Any(string.IsNullOrEmpty))
        {
            return "Invalid Policy: Datacenters must be non-empty names";
        }

        return ValidateDescription(policy.Description);
    }

    private static string? ValidateRole(StoreState state, AclRole role)
    {
        if (!AclNames.IsUuid(role.Id))
        {
            return $"role ID \"{role.Id}\" is not a UUID";
        }

        if (!AclNames.IsRoleName(role.Name))
        {
            return $"Invalid Role: invalid Name \"{role.Name}\": only alphanumerics, '-' and '_', 1 to 256 characters";
        }

        if (state.FindAclRoleByName(role.Name) is { } named && named.Id != role.Id)
        {
            return $"Invalid Role: A Role with Name \"{role.Name}\" already exists";
        }

        return ValidateDescription(role.Description)
            ?? ValidateLinks(role.Policies, "policy", id => state.FindAclPolicy(id) is not null)
            ?? ValidateIdentities(role.ServiceIdentities, role.NodeIdentities)
            ?? ValidateTemplates(role.TemplatedPolicies);
    }

    private static string? ValidateDescription(string description)
        => description.Length > AclNames.MaxDescriptionLength ? $"Description is longer than {AclNames.MaxDescriptionLength} characters" : null;

    private static string? ValidateLinks(IReadOnlyList<AclLink> links, string kind, Func<string, bool> exists)
    {
        if (links.Count > AclNames.MaxLinks)
        {
            return $"more than {AclNames.MaxLinks} {kind} links";
        }

        foreach (var link in links)
        {
            if (!exists(link.Id))
            {
                return link.Name.Length > 0 ? $"No such ACL {kind} with ID \"{link.Id}\" (\"{link.Name}\")" : $"No such ACL {kind} with ID \"{link.Id}\"";
            }
        }

        return links.Select(l => l.Id).Distinct(StringComparer.Ordinal).Count() != links.Count ? $"a {kind} is linked twice" : null;
    }

    private static string? ValidateIdentities(IReadOnlyList<AclServiceIdentity> services, IReadOnlyList<AclNodeIdentity> nodes)
    {
        if (services.Count > AclNames.MaxLinks || nodes.Count > AclNames.MaxLinks)
        {
            return $"more than {AclNames.MaxLinks} identities";
        }

        foreach (var service in services)
        {
            if (!AclNames.IsIdentityName(service.ServiceName))
            {
                return $"Service identity \"{service.ServiceName}\" has an invalid name. Only lowercase alphanumeric characters, '-' and '_' are allowed";
            }
        }

        foreach (var node in nodes)
        {
            if (!AclNames.IsIdentityName(node.NodeName))
            {
                return $"Node identity \"{node.NodeName}\" has an invalid name. Only lowercase alphanumeric characters, '-' and '_' are allowed";
            }

            if (node.Datacenter.Length == 0)
            {
                return $"Node identity \"{node.NodeName}\" is missing a datacenter";
            }
        }

        return null;
    }

    private static string? ValidateTemplates(IReadOnlyList<AclTemplatedPolicy> templates)
    {
        if (templates.Count > AclNames.MaxLinks)
        {
            return $"more than {AclNames.MaxLinks} templated policies";
        }

        foreach (var template in templates)
        {
            if (!AclTemplatedPolicy.IsKnown(template.TemplateName))
            {
                return $"templated policy \"{template.TemplateName}\" does not exist";
            }

            if (AclTemplatedPolicy.NeedsName(template.TemplateName) && !AclNames.IsIdentityName(template.Name))
            {
                return $"templated policy \"{template.TemplateName}\" needs a valid name variable, not \"{template.Name}\"";
            }
        }

        return null;
    }

    private static AclToken WithCurrentNames(StoreState state, AclToken token) => token with
    {
        Policies = [.. token.Policies.Select(l => l with { Name = state.AclPolicyName(l.Id)! })],
        Roles = [.. token.Roles.Select(l => l with { Name = state.FindAclRole(l.Id)!.Name })],
    };

    /// <summary>After a rename, rewrite the stored link names so every read and the hash agree with the current names.</summary>
    private static void RefreshLinkNames(StoreTransaction tx)
    {
        foreach (var role in tx.State.AclRoles.Values.ToList())
        {
            var renamed = role with { Policies = [.. role.Policies.Select(l => l with { Name = tx.State.AclPolicyName(l.Id) ?? l.Name })] };
            if (!renamed.Policies.SequenceEqual(role.Policies))
            {
                tx.UpsertAclRole(renamed);
            }
        }

        foreach (var token in tx.State.AclTokens.Values.ToList())
        {
            var renamed = WithCurrentNames(tx.State, token);
            if (!renamed.Policies.SequenceEqual(token.Policies) || !renamed.Roles.SequenceEqual(token.Roles))
            {
                tx.UpsertAclToken(renamed);
            }
        }
    }

    private static ApplyResult Refuse(StoreTransaction tx, string error, ApplyErrorKind kind) => new(tx.Index, error, kind);
}
