using Mesh.Fsm.Commands;
using Mesh.Fsm.Model.Acl;
using Mesh.Fsm.State;
using Mesh.Fsm.Tests.Support;

namespace Mesh.Fsm.Tests;

public sealed class AclApplyTests
{
    private readonly FsmDriver _driver = new();

    private static string NewId() => Guid.NewGuid().ToString();

    private AclPolicy Policy(string name, string rules = "acl = \"read\"")
    {
        var policy = new AclPolicy { Id = NewId(), Name = name, Rules = rules };
        _driver.Ok(new AclPolicySetCommand { Policy = policy });
        return _driver.State.FindAclPolicy(policy.Id)!;
    }

    private static AclToken NewToken(params AclPolicy[] policies) => new()
    {
        AccessorId = NewId(),
        SecretId = NewId(),
        Description = "t",
        Policies = [.. policies.Select(p => new AclLink { Id = p.Id })],
        CreateTimeUnixMilliseconds = 1_000,
    };

    private ApplyResult Refused(Command command, ApplyErrorKind kind, string messagePart)
    {
        var before = _driver.State;
        var result = _driver.Apply(command);
        Assert.False(result.Succeeded);
        Assert.Equal(kind, result.ErrorKind);
        Assert.Contains(messagePart, result.Error);
        Assert.Equal(StoreSnapshotCodec.ContentDigest(before), StoreSnapshotCodec.ContentDigest(_driver.State));
        return result;
    }

    [Fact]
    public void SetToken_StoresItWithIndexesHashAndCurrentPolicyNames_AndIndexesTheSecret()
    {
        var policy = Policy("web");
        var token = NewToken(policy);

        _driver.Ok(new AclTokenSetCommand { Token = token });

        var stored = _driver.State.FindAclToken(token.AccessorId)!;
        Assert.Equal(_driver.Index, stored.CreateIndex);
        Assert.Equal(_driver.Index, stored.ModifyIndex);
        Assert.Equal(AclHash.Of(stored), stored.Hash);
        Assert.Equal("web", Assert.Single(stored.Policies).Name);
        Assert.Same(stored, _driver.State.FindAclTokenBySecret(token.SecretId));
        Assert.Contains(WatchKeys.Acl, _driver.LastTouched);
        Assert.Contains(WatchKeys.AclTokens, _driver.LastTouched);
        Assert.Contains(WatchKeys.AclToken(token.AccessorId), _driver.LastTouched);
        Assert.Equal(_driver.Index, _driver.State.AclVersion);
    }

    [Fact]
    public void SetToken_Update_KeepsCreateIndexAndCreateTime_UnchangedContentKeepsModifyIndex()
    {
        var token = NewToken();
        _driver.Ok(new AclTokenSetCommand { Token = token });
        var created = _driver.Index;

        _driver.Ok(new AclTokenSetCommand { Token = token with { Description = "changed", CreateTimeUnixMilliseconds = 99_999 } });
        var updated = _driver.State.FindAclToken(token.AccessorId)!;
        Assert.Equal(created, updated.CreateIndex);
        Assert.Equal(_driver.Index, updated.ModifyIndex);
        Assert.Equal(1_000, updated.CreateTimeUnixMilliseconds);

        _driver.Ok(new AclTokenSetCommand { Token = token with { Description = "changed" } });
        Assert.Equal(updated.ModifyIndex, _driver.State.FindAclToken(token.AccessorId)!.ModifyIndex);
    }

    [Fact]
    public void SetToken_UnknownPolicyOrRole_IsRefused()
    {
        Refused(new AclTokenSetCommand { Token = NewToken() with { Policies = [new AclLink { Id = NewId(), Name = "ghost" }] } }, ApplyErrorKind.Invalid, "No such ACL policy");
        Refused(new AclTokenSetCommand { Token = NewToken() with { Roles = [new AclLink { Id = NewId() }] } }, ApplyErrorKind.Invalid, "No such ACL role");
    }

    [Theory]
    [InlineData("not-a-uuid", null, "AccessorID")]
    [InlineData(null, "secret-not-uuid", "SecretID is not a UUID")]
    [InlineData(null, "anonymous", "SecretID is not a UUID")]
    public void SetToken_BadIds_AreRefused(string? accessor, string? secret, string message)
    {
        var token = NewToken();
        token = token with { AccessorId = accessor ?? token.AccessorId, SecretId = secret ?? token.SecretId };

        var result = Refused(new AclTokenSetCommand { Token = token }, ApplyErrorKind.Invalid, message);

        // The refusal never repeats the secret.
        Assert.DoesNotContain(token.SecretId, result.Error!.Replace("SecretID", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public void SetToken_SecretsAreUniqueAndImmutable_LocalCannotToggle_ExpiryIsFixed()
    {
        var first = NewToken();
        _driver.Ok(new AclTokenSetCommand { Token = first });

        Refused(new AclTokenSetCommand { Token = NewToken() with { SecretId = first.SecretId } }, ApplyErrorKind.Invalid, "already in use");
        Refused(new AclTokenSetCommand { Token = first with { SecretId = NewId() } }, ApplyErrorKind.Invalid, "Cannot change a token's SecretID");
        Refused(new AclTokenSetCommand { Token = first with { Local = true } }, ApplyErrorKind.Invalid, "local mode");
        Refused(new AclTokenSetCommand { Token = first with { ExpirationTimeUnixMilliseconds = 5_000 } }, ApplyErrorKind.Invalid, "expiration");
        Refused(new AclTokenSetCommand { Token = NewToken() with { ExpirationTimeUnixMilliseconds = 500 } }, ApplyErrorKind.Invalid, "after CreateTime");
    }

    [Fact]
    public void SetToken_IdentitiesAndTemplates_AreValidated()
    {
        Refused(new AclTokenSetCommand { Token = NewToken() with { ServiceIdentities = [new AclServiceIdentity { ServiceName = "Web!" }] } }, ApplyErrorKind.Invalid, "Service identity \"Web!\"");
        Refused(new AclTokenSetCommand { Token = NewToken() with { NodeIdentities = [new AclNodeIdentity { NodeName = "n1" }] } }, ApplyErrorKind.Invalid, "missing a datacenter");
        Refused(new AclTokenSetCommand { Token = NewToken() with { TemplatedPolicies = [new AclTemplatedPolicy { TemplateName = "builtin/nope" }] } }, ApplyErrorKind.Invalid, "does not exist");
        Refused(new AclTokenSetCommand { Token = NewToken() with { TemplatedPolicies = [new AclTemplatedPolicy { TemplateName = AclTemplatedPolicy.Service }] } }, ApplyErrorKind.Invalid, "needs a valid name");
        _driver.Ok(new AclTokenSetCommand
        {
            Token = NewToken() with
            {
                ServiceIdentities = [new AclServiceIdentity { ServiceName = "web", Datacenters = ["dc1"] }],
                NodeIdentities = [new AclNodeIdentity { NodeName = "node-1", Datacenter = "dc1" }],
                TemplatedPolicies = [new AclTemplatedPolicy { TemplateName = AclTemplatedPolicy.Dns }],
            },
        });
    }

    [Fact]
    public void SetToken_CompareAndSet_RefusesAStaleUpdate()
    {
        var token = NewToken();
        _driver.Ok(new AclTokenSetCommand { Token = token });
        var index = _driver.Index;
        _driver.Ok(new AclTokenSetCommand { Token = token with { Description = "v2" }, ExpectedModifyIndex = index });

        Refused(new AclTokenSetCommand { Token = token with { Description = "v3" }, ExpectedModifyIndex = index }, ApplyErrorKind.CasConflict, "changed since");
    }

    [Fact]
    public void AnonymousToken_UsesTheAnonymousSecret_AndCannotBeDeleted()
    {
        var anonymous = new AclToken { AccessorId = AclBuiltins.AnonymousTokenAccessorId, SecretId = AclBuiltins.AnonymousTokenSecret, Description = AclBuiltins.AnonymousTokenDescription };
        _driver.Ok(new AclTokenSetCommand { Token = anonymous });

        Refused(new AclTokenSetCommand { Token = anonymous with { SecretId = NewId() } }, ApplyErrorKind.Invalid, "anonymous");
        Refused(new AclTokenDeleteCommand { AccessorId = AclBuiltins.AnonymousTokenAccessorId }, ApplyErrorKind.Invalid, "anonymous token");
        Assert.NotNull(_driver.State.FindAclTokenBySecret(AclBuiltins.AnonymousTokenSecret));
    }

    [Fact]
    public void DeleteToken_RemovesItAndItsSecret_UnknownIsNotFound()
    {
        var token = NewToken();
        _driver.Ok(new AclTokenSetCommand { Token = token });

        _driver.Ok(new AclTokenDeleteCommand { AccessorId = token.AccessorId });

        Assert.Null(_driver.State.FindAclToken(token.AccessorId));
        Assert.Null(_driver.State.FindAclTokenBySecret(token.SecretId));
        Assert.Contains(WatchKeys.AclToken(token.AccessorId), _driver.LastTouched);
        Refused(new AclTokenDeleteCommand { AccessorId = token.AccessorId }, ApplyErrorKind.NotFound, "not found");
    }

    [Fact]
    public void ExpireTokens_RemovesThoseExpiredAtTheCommandsTime()
    {
        var soon = NewToken() with { ExpirationTimeUnixMilliseconds = 5_000 };
        var later = NewToken() with { ExpirationTimeUnixMilliseconds = 9_000 };
        var never = NewToken();
        foreach (var token in new[] { soon, later, never })
        {
            _driver.Ok(new AclTokenSetCommand { Token = token });
        }

        var result = _driver.Ok(new AclTokensExpireCommand { NowUnixMilliseconds = 5_000 });

        Assert.Equal(1, result.Value);
        Assert.Null(_driver.State.FindAclToken(soon.AccessorId));
        Assert.NotNull(_driver.State.FindAclToken(later.AccessorId));
        Assert.NotNull(_driver.State.FindAclToken(never.AccessorId));
        Assert.Equal(0, _driver.Ok(new AclTokensExpireCommand { NowUnixMilliseconds = 6_000 }).Value);
    }

    [Fact]
    public void SetPolicy_NamesAreUniqueCaseInsensitively_AndValidated()
    {
        var web = Policy("web");

        Refused(new AclPolicySetCommand { Policy = new AclPolicy { Id = NewId(), Name = "WEB" } }, ApplyErrorKind.Invalid, "already exists");
        Refused(new AclPolicySetCommand { Policy = new AclPolicy { Id = NewId(), Name = "bad name" } }, ApplyErrorKind.Invalid, "invalid Name");
        Refused(new AclPolicySetCommand { Policy = new AclPolicy { Id = "x", Name = "x" } }, ApplyErrorKind.Invalid, "not a UUID");
        Refused(new AclPolicySetCommand { Policy = new AclPolicy { Id = "00000000-0000-0000-0000-000000000007", Name = "x" } }, ApplyErrorKind.Invalid, "reserved");
        Refused(new AclPolicySetCommand { Policy = new AclPolicy { Id = NewId(), Name = "huge", Rules = new string('#', AclNames.MaxRulesLength + 1) } }, ApplyErrorKind.Invalid, "more than the limit");

        // Renaming frees the old name.
        _driver.Ok(new AclPolicySetCommand { Policy = web with { Name = "web2" } });
        Assert.Null(_driver.State.FindAclPolicyByName("web"));
        Policy("web");
    }

    [Fact]
    public void RenamingAPolicy_UpdatesTheLinkNamesOfTokensAndRoles()
    {
        var policy = Policy("old");
        var token = NewToken(policy);
        _driver.Ok(new AclTokenSetCommand { Token = token });
        var role = new AclRole { Id = NewId(), Name = "r", Policies = [new AclLink { Id = policy.Id }] };
        _driver.Ok(new AclRoleSetCommand { Role = role });

        _driver.Ok(new AclPolicySetCommand { Policy = policy with { Name = "new" } });

        Assert.Equal("new", _driver.State.FindAclToken(token.AccessorId)!.Policies[0].Name);
        Assert.Equal("new", _driver.State.FindAclRole(role.Id)!.Policies[0].Name);
        Assert.Equal(AclHash.Of(_driver.State.FindAclToken(token.AccessorId)!), _driver.State.FindAclToken(token.AccessorId)!.Hash);
    }

    [Fact]
    public void DeletePolicy_StillUsed_IsDeletedAsConsulDoes_AndTheLinksGoWithIt()
    {
        var policy = Policy("shared");
        var kept = Policy("kept");
        var token = NewToken(policy, kept);
        _driver.Ok(new AclTokenSetCommand { Token = token });
        var role = new AclRole { Id = NewId(), Name = "r", Policies = [new AclLink { Id = policy.Id }] };
        _driver.Ok(new AclRoleSetCommand { Role = role });

        _driver.Ok(new AclPolicyDeleteCommand { PolicyId = policy.Id });

        Assert.Null(_driver.State.FindAclPolicy(policy.Id));
        Assert.Null(_driver.State.FindAclPolicyByName("shared"));
        var stored = _driver.State.FindAclToken(token.AccessorId)!;
        Assert.Equal("kept", Assert.Single(stored.Policies).Name);
        Assert.Equal(AclHash.Of(stored), stored.Hash);
        Assert.Empty(_driver.State.FindAclRole(role.Id)!.Policies);
        Assert.Contains(WatchKeys.AclToken(token.AccessorId), _driver.LastTouched);
        Refused(new AclPolicyDeleteCommand { PolicyId = policy.Id }, ApplyErrorKind.NotFound, "not found");
    }

    [Fact]
    public void ManagementPolicy_CanBeRenamedButNotChangedOrDeleted()
    {
        _driver.Ok(new AclPolicySetCommand { Policy = AclBuiltins.ManagementPolicy });
        _driver.Ok(new AclPolicySetCommand { Policy = AclBuiltins.ReadOnlyPolicy });

        _driver.Ok(new AclPolicySetCommand { Policy = AclBuiltins.ManagementPolicy with { Name = "root" } });
        Refused(new AclPolicySetCommand { Policy = AclBuiltins.ManagementPolicy with { Rules = "acl = \"read\"" } }, ApplyErrorKind.Invalid, "not permitted");
        Refused(new AclPolicyDeleteCommand { PolicyId = AclBuiltins.ManagementPolicyId }, ApplyErrorKind.Invalid, "Delete operation not permitted on the builtin global-management policy");
        Refused(new AclPolicyDeleteCommand { PolicyId = AclBuiltins.ReadOnlyPolicyId }, ApplyErrorKind.Invalid, "Delete operation not permitted on the builtin global-read-only policy");
        Assert.Equal("root", _driver.State.FindAclPolicy(AclBuiltins.ManagementPolicyId)!.Name);
        Assert.Equal(AclBuiltins.ReadOnlyPolicyName, _driver.State.FindAclPolicy(AclBuiltins.ReadOnlyPolicyId)!.Name);
    }

    [Fact]
    public void Roles_NamesUnique_PoliciesMustExist_DeleteWhileUsedUnlinksIt()
    {
        var policy = Policy("p");
        var role = new AclRole { Id = NewId(), Name = "ops", Policies = [new AclLink { Id = policy.Id }] };
        _driver.Ok(new AclRoleSetCommand { Role = role });
        Assert.Equal("p", _driver.State.FindAclRoleByName("OPS")!.Policies[0].Name);

        Refused(new AclRoleSetCommand { Role = role with { Id = NewId() } }, ApplyErrorKind.Invalid, "already exists");
        Refused(new AclRoleSetCommand { Role = new AclRole { Id = NewId(), Name = "x", Policies = [new AclLink { Id = NewId() }] } }, ApplyErrorKind.Invalid, "No such ACL policy");
        Refused(new AclRoleSetCommand { Role = new AclRole { Id = NewId(), Name = "a/b" } }, ApplyErrorKind.Invalid, "invalid Name");

        var token = NewToken() with { Roles = [new AclLink { Id = role.Id }] };
        _driver.Ok(new AclTokenSetCommand { Token = token });
        Assert.Equal("ops", _driver.State.FindAclToken(token.AccessorId)!.Roles[0].Name);
        _driver.Ok(new AclRoleDeleteCommand { RoleId = role.Id });
        Assert.Empty(_driver.State.FindAclToken(token.AccessorId)!.Roles);
        Assert.Null(_driver.State.FindAclRoleByName("ops"));
    }

    [Fact]
    public void Bootstrap_CreatesManagementPolicyAndToken_Once_UnlessReset()
    {
        var token = NewToken() with { Description = AclBuiltins.BootstrapTokenDescription, Policies = [new AclLink { Id = AclBuiltins.ManagementPolicyId }] };

        _driver.Ok(new AclBootstrapCommand { Token = token });
        var bootstrapIndex = _driver.Index;

        Assert.Equal(AclBuiltins.ManagementRules, _driver.State.FindAclPolicy(AclBuiltins.ManagementPolicyId)!.Rules);
        Assert.Equal("global-management", _driver.State.FindAclToken(token.AccessorId)!.Policies[0].Name);
        Assert.Equal(bootstrapIndex, _driver.State.AclBootstrap!.BootstrapIndex);

        var again = NewToken() with { Policies = [new AclLink { Id = AclBuiltins.ManagementPolicyId }] };
        var refused = Refused(new AclBootstrapCommand { Token = again }, ApplyErrorKind.Conflict, $"ACL bootstrap no longer allowed (reset index: {bootstrapIndex})");
        Assert.Equal(bootstrapIndex, refused.Value);
        Refused(new AclBootstrapCommand { Token = again, ResetIndex = bootstrapIndex + 1 }, ApplyErrorKind.Conflict, "no longer allowed");

        _driver.Ok(new AclBootstrapCommand { Token = again, ResetIndex = bootstrapIndex });
        Assert.Equal(_driver.Index, _driver.State.AclBootstrap!.BootstrapIndex);
        Assert.NotNull(_driver.State.FindAclToken(again.AccessorId));
    }

    [Fact]
    public void Bootstrap_TokenWithoutManagement_IsRefused_AndStateUnchanged()
    {
        Refused(new AclBootstrapCommand { Token = NewToken() }, ApplyErrorKind.Invalid, "global-management");
        Assert.Null(_driver.State.AclBootstrap);
        Assert.Empty(_driver.State.AclPolicies);
    }

    [Fact]
    public void AclState_RoundTripsThroughTheSnapshotCodec_WithEqualDigests()
    {
        var policy = Policy("p", "service \"web\" { policy = \"write\" }");
        var role = new AclRole { Id = NewId(), Name = "r", Policies = [new AclLink { Id = policy.Id }], ServiceIdentities = [new AclServiceIdentity { ServiceName = "web" }] };
        _driver.Ok(new AclRoleSetCommand { Role = role });
        var token = NewToken(policy) with { Roles = [new AclLink { Id = role.Id }], ExpirationTimeUnixMilliseconds = 50_000, ExpirationTtlMilliseconds = 49_000 };
        _driver.Ok(new AclTokenSetCommand { Token = token });
        _driver.Ok(new AclBootstrapCommand { Token = NewToken() with { Policies = [new AclLink { Id = AclBuiltins.ManagementPolicyId }] } });
        var state = _driver.State;

        var restored = StoreSnapshotCodec.Read(StoreSnapshotCodec.Serialize(state));

        Assert.Equal(StoreSnapshotCodec.Digest(state), StoreSnapshotCodec.Digest(restored));
        Assert.Equal(StoreSnapshotCodec.ContentDigest(state), StoreSnapshotCodec.ContentDigest(restored));
        Assert.Equal(state.FindAclToken(token.AccessorId), restored.FindAclTokenBySecret(token.SecretId), new RowComparer<AclToken>());
        Assert.Equal(role.Id, restored.FindAclRoleByName("r")!.Id);
        Assert.Equal(policy.Id, restored.FindAclPolicyByName("P")!.Id);
        Assert.Equal(state.AclBootstrap, restored.AclBootstrap);
        Assert.Equal(state.AclVersion, restored.AclVersion);
        Assert.Equal(3, StoreSnapshotCodec.Counts(restored)["acl-policies"] + StoreSnapshotCodec.Counts(restored)["acl-roles"]);
        Assert.Equal(2, StoreSnapshotCodec.Counts(restored)["acl-tokens"]);
    }

    [Fact]
    public void AclState_ChangesTheDigest()
    {
        var before = StoreSnapshotCodec.Digest(_driver.State);
        Policy("p");
        var withPolicy = StoreSnapshotCodec.ContentDigest(_driver.State);

        Assert.NotEqual(before, StoreSnapshotCodec.Digest(_driver.State));
        _driver.Ok(new AclPolicySetCommand { Policy = _driver.State.FindAclPolicyByName("p")! with { Description = "d" } });
        Assert.NotEqual(withPolicy, StoreSnapshotCodec.ContentDigest(_driver.State));
    }

    [Fact]
    public void RestoreStateCommand_BringsAclStateBack_AndMovesTheAclVersion()
    {
        var policy = Policy("p");
        var token = NewToken(policy);
        _driver.Ok(new AclTokenSetCommand { Token = token });
        var snapshot = StoreSnapshotCodec.Serialize(_driver.State);
        _driver.Ok(new AclTokenDeleteCommand { AccessorId = token.AccessorId });

        _driver.Ok(new RestoreStateCommand { State = snapshot });

        Assert.NotNull(_driver.State.FindAclTokenBySecret(token.SecretId));
        Assert.Equal(_driver.Index, _driver.State.AclVersion);
    }

    [Fact]
    public void SnapshotWithDuplicateSecrets_IsRejected()
    {
        var token = NewToken();
        var data = new StoreSnapshotData { Format = StoreSnapshotCodec.CurrentFormat, AclTokens = [token, token with { AccessorId = NewId() }] };

        var bytes = MessagePack.MessagePackSerializer.Serialize(data, LogCodec.Options);

        Assert.Throws<InvalidDataException>(() => StoreSnapshotCodec.Read(bytes));
    }

    [Fact]
    public void FormatOneSnapshots_StillRead_WithNoAclState()
    {
        var data = new StoreSnapshotData { Format = 1, AppliedIndex = 3 };

        var restored = StoreSnapshotCodec.Read(MessagePack.MessagePackSerializer.Serialize(data, LogCodec.Options));

        Assert.Empty(restored.AclTokens);
        Assert.Null(restored.AclBootstrap);
    }

    [Fact]
    public void TokenToString_NeverShowsTheSecret()
    {
        var token = NewToken();

        Assert.DoesNotContain(token.SecretId, token.ToString(), StringComparison.Ordinal);
        Assert.Contains(token.AccessorId, token.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(token.SecretId, new AclTokenSetCommand { Token = token }.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(token.SecretId, new AclBootstrapCommand { Token = token }.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void AclCommands_RoundTripThroughTheLogCodec()
    {
        var token = NewToken() with { ServiceIdentities = [new AclServiceIdentity { ServiceName = "web", Datacenters = ["dc1"] }], TemplatedPolicies = [new AclTemplatedPolicy { TemplateName = AclTemplatedPolicy.Node, Name = "n" }] };
        Command[] commands =
        [
            new AclTokenSetCommand { Token = token, ExpectedModifyIndex = 4 },
            new AclTokenDeleteCommand { AccessorId = token.AccessorId },
            new AclTokensExpireCommand { NowUnixMilliseconds = 77 },
            new AclPolicySetCommand { Policy = AclBuiltins.ManagementPolicy with { Datacenters = ["dc1"] } },
            new AclPolicyDeleteCommand { PolicyId = NewId() },
            new AclRoleSetCommand { Role = new AclRole { Id = NewId(), Name = "r", NodeIdentities = [new AclNodeIdentity { NodeName = "n", Datacenter = "dc1" }] } },
            new AclRoleDeleteCommand { RoleId = NewId() },
            new AclBootstrapCommand { Token = token, ResetIndex = 9 },
        ];

        foreach (var command in commands)
        {
            var bytes = LogCodec.Encode(new LogRecord { Command = command });
            var decoded = LogCodec.Decode(bytes);
            Assert.Equal(command.GetType(), decoded.Command.GetType());
            Assert.Equal(bytes, LogCodec.Encode(decoded));
        }
    }

    private sealed class RowComparer<T> : IEqualityComparer<T?>
    {
        public bool Equals(T? x, T? y) => RowContent.Same(x, y);

        public int GetHashCode(T? obj) => 0;
    }
}
