using Mesh.Fsm.Model.Acl;

namespace Mesh.Fsm.State;

/// <summary>ACL tables: rows get this transaction's index, name/secret indexes stay in step, ACL watch keys are touched.</summary>
public sealed partial class StoreTransaction
{
    private void TouchAcl(string tableKey, string rowKey)
    {
        Touch(WatchKeys.Acl);
        Touch(tableKey);
        Touch(rowKey);
    }

    /// <summary>Stores a token (already validated); returns the stored row. An unchanged token keeps its indexes.</summary>
    public AclToken UpsertAclToken(AclToken token)
    {
        var existing = _state.AclTokens.GetValueOrDefault(token.AccessorId);
        var content = token with { Hash = AclHash.Of(token), CreateIndex = 0, ModifyIndex = 0 };
        if (existing is not null && RowContent.Same(existing with { CreateIndex = 0, ModifyIndex = 0 }, content))
        {
            return existing;
        }

        var row = content with { CreateIndex = existing?.CreateIndex ?? Index, ModifyIndex = Index };
        var bySecret = existing is null ? _state.AclTokensBySecret : _state.AclTokensBySecret.Remove(existing.SecretId);
        _state = _state with
        {
            AclTokens = _state.AclTokens.SetItem(row.AccessorId, row),
            AclTokensBySecret = bySecret.SetItem(row.SecretId, row.AccessorId),
        };
        TouchAcl(WatchKeys.AclTokens, WatchKeys.AclToken(row.AccessorId));
        return row;
    }

    public void DeleteAclToken(string accessorId)
    {
        if (!_state.AclTokens.TryGetValue(accessorId, out var existing))
        {
            return;
        }

        _state = _state with
        {
            AclTokens = _state.AclTokens.Remove(accessorId),
            AclTokensBySecret = _state.AclTokensBySecret.Remove(existing.SecretId),
        };
        TouchAcl(WatchKeys.AclTokens, WatchKeys.AclToken(accessorId));
    }

    public AclPolicy UpsertAclPolicy(AclPolicy policy)
    {
        var existing = _state.AclPolicies.GetValueOrDefault(policy.Id);
        var content = policy with { Hash = AclHash.Of(policy), CreateIndex = 0, ModifyIndex = 0 };
        if (existing is not null && RowContent.Same(existing with { CreateIndex = 0, ModifyIndex = 0 }, content))
        {
            return existing;
        }

        var row = content with { CreateIndex = existing?.CreateIndex ?? Index, ModifyIndex = Index };
        var byName = existing is null ? _state.AclPoliciesByName : _state.AclPoliciesByName.Remove(NameKey.Of(existing.Name));
        _state = _state with
        {
            AclPolicies = _state.AclPolicies.SetItem(row.Id, row),
            AclPoliciesByName = byName.SetItem(NameKey.Of(row.Name), row.Id),
        };
        TouchAcl(WatchKeys.AclPolicies, WatchKeys.AclPolicy(row.Id));

        // A rename changes what token and role reads show.
        if (existing is not null && existing.Name != row.Name)
        {
            Touch(WatchKeys.AclTokens);
            Touch(WatchKeys.AclRoles);
        }

        return row;
    }

    public void DeleteAclPolicy(string id)
    {
        if (!_state.AclPolicies.TryGetValue(id, out var existing))
        {
            return;
        }

        _state = _state with
        {
            AclPolicies = _state.AclPolicies.Remove(id),
            AclPoliciesByName = _state.AclPoliciesByName.Remove(NameKey.Of(existing.Name)),
        };
        TouchAcl(WatchKeys.AclPolicies, WatchKeys.AclPolicy(id));
    }

    public AclRole UpsertAclRole(AclRole role)
    {
        var existing = _state.AclRoles.GetValueOrDefault(role.Id);
        var content = role with { Hash = AclHash.Of(role), CreateIndex = 0, ModifyIndex = 0 };
        if (existing is not null && RowContent.Same(existing with { CreateIndex = 0, ModifyIndex = 0 }, content))
        {
            return existing;
        }

        var row = content with { CreateIndex = existing?.CreateIndex ?? Index, ModifyIndex = Index };
        var byName = existing is null ? _state.AclRolesByName : _state.AclRolesByName.Remove(NameKey.Of(existing.Name));
        _state = _state with
        {
            AclRoles = _state.AclRoles.SetItem(row.Id, row),
            AclRolesByName = byName.SetItem(NameKey.Of(row.Name), row.Id),
        };
        TouchAcl(WatchKeys.AclRoles, WatchKeys.AclRole(row.Id));
        if (existing is not null && existing.Name != row.Name)
        {
            Touch(WatchKeys.AclTokens);
        }

        return row;
    }

    public void DeleteAclRole(string id)
    {
        if (!_state.AclRoles.TryGetValue(id, out var existing))
        {
            return;
        }

        _state = _state with
        {
            AclRoles = _state.AclRoles.Remove(id),
            AclRolesByName = _state.AclRolesByName.Remove(NameKey.Of(existing.Name)),
        };
        TouchAcl(WatchKeys.AclRoles, WatchKeys.AclRole(id));
    }

    public void SetAclBootstrap(AclBootstrapState bootstrap)
    {
        _state = _state with { AclBootstrap = bootstrap };
        Touch(WatchKeys.Acl);
    }
}
