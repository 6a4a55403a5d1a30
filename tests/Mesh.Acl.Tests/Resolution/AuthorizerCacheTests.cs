using Mesh.Acl.Authorization;
using Mesh.Acl.Resolution;
using Mesh.Fsm.Commands;
using Mesh.Fsm.Model.Acl;

namespace Mesh.Acl.Tests.Resolution;

public sealed class AuthorizerCacheTests
{
    private readonly AclStore _store = new();
    private readonly ManualClock _clock = new(DateTimeOffset.FromUnixTimeMilliseconds(10_000));

    private AuthorizerCache NewCache(AclDefaultPolicy defaultPolicy = AclDefaultPolicy.Deny, string datacenter = "dc1")
        => new(new AclResolverOptions { DefaultPolicy = defaultPolicy, Datacenter = datacenter }, _clock);

    [Fact]
    public void Resolve_TokenWithPolicy_AllowsWhatThePolicySays()
    {
        var web = _store.Policy("web", "service \"web\" { policy = \"write\" }");
        var token = _store.Token(t => t with { Policies = [AclStore.Link(web)] });
        var cache = NewCache();

        var resolution = cache.Resolve(_store.Fsm.Current, token.SecretId);

        Assert.True(resolution.Found);
        Assert.Equal(token.AccessorId, resolution.Token!.AccessorId);
        Assert.True(resolution.Authorizer!.ServiceWrite("web"));
        Assert.False(resolution.Authorizer.ServiceWrite("db"));
        Assert.Contains(token.AccessorId, resolution.Authorizer.DeniedMessage(Permission.ServiceWrite("db")));
    }

    [Fact]
    public void Resolve_UnknownSecret_IsNotFound()
    {
        var resolution = NewCache().Resolve(_store.Fsm.Current, Guid.NewGuid().ToString());

        Assert.False(resolution.Found);
        Assert.Same(TokenResolution.NotFound, resolution);
    }

    [Fact]
    public void Resolve_NoSecret_IsTheAnonymousToken_WithDefaultPolicyBeforeItExists()
    {
        var cache = NewCache(AclDefaultPolicy.Deny);

        var before = cache.Resolve(_store.Fsm.Current, null);
        Assert.True(before.Found);
        Assert.Equal(AclBuiltins.AnonymousTokenAccessorId, before.Authorizer!.AccessorId);
        Assert.False(before.Authorizer.ServiceRead("web"));

        var read = _store.Policy("read-web", "service \"web\" { policy = \"read\" }");
        _store.Apply(new AclTokenSetCommand
        {
            Token = new AclToken
            {
                AccessorId = AclBuiltins.AnonymousTokenAccessorId,
                SecretId = AclBuiltins.AnonymousTokenSecret,
                Description = AclBuiltins.AnonymousTokenDescription,
                Policies = [AclStore.Link(read)],
            },
        });

        var after = cache.Resolve(_store.Fsm.Current, "");
        Assert.True(after.Authorizer!.ServiceRead("web"));
        Assert.Equal(AclBuiltins.AnonymousTokenAccessorId, after.Token!.AccessorId);
    }

    [Fact]
    public void Resolve_SameVersion_ReusesTheCompiledAuthorizer_AnAclChangeRecompiles()
    {
        var policy = _store.Policy("p", "service \"web\" { policy = \"read\" }");
        var token = _store.Token(t => t with { Policies = [AclStore.Link(policy)] });
        var cache = NewCache();

        var first = cache.Resolve(_store.Fsm.Current, token.SecretId);
        var second = cache.Resolve(_store.Fsm.Current, token.SecretId);
        Assert.Same(first.Authorizer, second.Authorizer);
        Assert.Equal(_store.Fsm.Current.AclVersion, cache.Version);
        Assert.False(first.Authorizer!.ServiceWrite("web"));

        _store.Apply(new AclPolicySetCommand { Policy = policy with { Rules = "service \"web\" { policy = \"write\" }" } });
        cache.OnStoreChanged(_store.Fsm.Current);
        Assert.Equal(0, cache.Count);

        var third = cache.Resolve(_store.Fsm.Current, token.SecretId);
        Assert.NotSame(first.Authorizer, third.Authorizer);
        Assert.True(third.Authorizer!.ServiceWrite("web"));
    }

    [Fact]
    public void Resolve_DeletedToken_IsNotFoundOnTheNextRequest()
    {
        var token = _store.Token();
        var cache = NewCache();
        Assert.True(cache.Resolve(_store.Fsm.Current, token.SecretId).Found);

        _store.Apply(new AclTokenDeleteCommand { AccessorId = token.AccessorId });

        Assert.False(cache.Resolve(_store.Fsm.Current, token.SecretId).Found);
    }

    [Fact]
    public void Resolve_AStateOlderThanTheCache_StillAnswersFromThatState()
    {
        var token = _store.Token();
        var old = _store.Fsm.Current;
        _store.Apply(new AclTokenDeleteCommand { AccessorId = token.AccessorId });
        var cache = NewCache();
        cache.OnStoreChanged(_store.Fsm.Current);

        Assert.True(cache.Resolve(old, token.SecretId).Found);
        Assert.False(cache.Resolve(_store.Fsm.Current, token.SecretId).Found);
    }

    [Fact]
    public void Resolve_ExpiredToken_IsNotFound_EvenWhenCached()
    {
        var token = _store.Token(t => t with { ExpirationTimeUnixMilliseconds = 20_000 });
        var cache = NewCache();
        Assert.True(cache.Resolve(_store.Fsm.Current, token.SecretId).Found);

        _clock.Now = DateTimeOffset.FromUnixTimeMilliseconds(20_000);

        Assert.False(cache.Resolve(_store.Fsm.Current, token.SecretId).Found);
    }

    [Fact]
    public void Resolve_RolesAndIdentities_AllContribute()
    {
        var kv = _store.Policy("kv", "key_prefix \"app/\" { policy = \"write\" }");
        var role = new AclRole
        {
            Id = AclStore.NewId(),
            Name = "ops",
            Policies = [AclStore.Link(kv)],
            NodeIdentities = [new AclNodeIdentity { NodeName = "node-1", Datacenter = "dc1" }],
        };
        _store.Apply(new AclRoleSetCommand { Role = role });
        var token = _store.Token(t => t with
        {
            Roles = [new AclLink { Id = role.Id }],
            ServiceIdentities = [new AclServiceIdentity { ServiceName = "web" }],
            TemplatedPolicies = [new AclTemplatedPolicy { TemplateName = AclTemplatedPolicy.Dns }],
        });

        var authorizer = NewCache().Resolve(_store.Fsm.Current, token.SecretId).Authorizer!;

        Assert.True(authorizer.KeyWrite("app/x"));
        Assert.True(authorizer.NodeWrite("node-1"));
        Assert.True(authorizer.ServiceWrite("web-sidecar-proxy"));
        Assert.True(authorizer.QueryRead("any"));
        Assert.False(authorizer.ServiceWrite("db"));
    }

    [Fact]
    public void Resolve_DatacenterScopedPoliciesAndIdentities_ApplyOnlyThere()
    {
        var elsewhere = _store.Policy("elsewhere", "operator = \"write\"", "dc2");
        var here = _store.Policy("here", "acl = \"read\"", "dc1", "dc2");
        var token = _store.Token(t => t with
        {
            Policies = [AclStore.Link(elsewhere), AclStore.Link(here)],
            ServiceIdentities = [new AclServiceIdentity { ServiceName = "web", Datacenters = ["dc2"] }],
            NodeIdentities = [new AclNodeIdentity { NodeName = "n1", Datacenter = "dc2" }],
        });

        var dc1 = NewCache(datacenter: "dc1").Resolve(_store.Fsm.Current, token.SecretId).Authorizer!;
        var dc2 = NewCache(datacenter: "dc2").Resolve(_store.Fsm.Current, token.SecretId).Authorizer!;

        Assert.False(dc1.OperatorWrite());
        Assert.True(dc1.AclRead());
        Assert.False(dc1.ServiceWrite("web"));
        Assert.False(dc1.NodeWrite("n1"));
        Assert.True(dc2.OperatorWrite());
        Assert.True(dc2.ServiceWrite("web"));
        Assert.True(dc2.NodeWrite("n1"));
    }

    [Fact]
    public void Resolve_BootstrapToken_IsManagement()
    {
        var secret = AclStore.NewId();
        _store.Apply(new AclBootstrapCommand
        {
            Token = new AclToken
            {
                AccessorId = AclStore.NewId(),
                SecretId = secret,
                Description = AclBuiltins.BootstrapTokenDescription,
                Policies = [new AclLink { Id = AclBuiltins.ManagementPolicyId }],
            },
        });

        var authorizer = NewCache(AclDefaultPolicy.Deny).Resolve(_store.Fsm.Current, secret).Authorizer!;

        Assert.True(authorizer.AclWrite());
        Assert.True(authorizer.IntentionWrite("*"));
        Assert.True(authorizer.ServiceWrite("anything"));
    }

    [Fact]
    public void Resolve_UnparsableStoredPolicy_GrantsNothingAndIsReported()
    {
        var broken = _store.Policy("broken", "service \"web\" { policy = \"nonsense\" }");
        var good = _store.Policy("good", "node_prefix \"\" { policy = \"read\" }");
        var token = _store.Token(t => t with { Policies = [AclStore.Link(broken), AclStore.Link(good)] });

        var resolution = NewCache().Resolve(_store.Fsm.Current, token.SecretId);

        Assert.Equal([broken.Id], resolution.UnreadablePolicyIds);
        Assert.False(resolution.Authorizer!.ServiceRead("web"));
        Assert.True(resolution.Authorizer.NodeRead("n"));
    }

    [Fact]
    public void Cache_IsBounded()
    {
        var tokens = Enumerable.Range(0, 5).Select(_ => _store.Token()).ToList();
        var cache = new AuthorizerCache(new AclResolverOptions { MaxCachedTokens = 3 }, _clock);

        foreach (var token in tokens)
        {
            Assert.True(cache.Resolve(_store.Fsm.Current, token.SecretId).Found);
        }

        Assert.InRange(cache.Count, 1, 3);
    }
}
