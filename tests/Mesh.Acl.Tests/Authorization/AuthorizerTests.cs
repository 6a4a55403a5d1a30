using Mesh.Acl.Authorization;
using Mesh.Acl.Rules;
using Mesh.Fsm.Model.Acl;

namespace Mesh.Acl.Tests.Authorization;

public sealed class AuthorizerTests
{
    private const string Accessor = "6a1253d2-1785-24fd-91c2-f8e78c745511";

    private static Authorizer Compile(AclDefaultPolicy defaultPolicy, params string[] policies)
        => AuthorizerCompiler.Compile(Accessor, policies.Select(RulesParser.Parse), defaultPolicy);

    private static Authorizer Deny(params string[] policies) => Compile(AclDefaultPolicy.Deny, policies);

    [Theory]
    // Exact beats prefix, even a longer one and one of the same length.
    [InlineData("web", "write", true)]
    [InlineData("web-api", "write", false)]
    [InlineData("web-admin", "write", false)]
    [InlineData("web-admin-tool", "read", true)]
    [InlineData("web-admin-tool", "write", true)]
    [InlineData("db", "read", true)]
    [InlineData("db", "write", false)]
    [InlineData("", "read", true)]
    public void ServiceLookup_ExactOverPrefix_LongestPrefixWins(string name, string level, bool allowed)
    {
        var authorizer = Deny("""
            service_prefix "" { policy = "read" }
            service_prefix "web" { policy = "deny" }
            service "web" { policy = "write" }
            service_prefix "web-admin" { policy = "write" }
            service "web-admin" { policy = "deny" }
            service_prefix "web-api" { policy = "deny" }
            """);

        var permission = new Permission(AclResource.Service, level == "write" ? AccessLevel.Write : AccessLevel.Read, name);
        Assert.Equal(allowed, authorizer.Allows(permission));
    }

    [Fact]
    public void ExactRule_BeatsAPrefixRuleOfTheSameLength()
    {
        var authorizer = Deny("node_prefix \"n1\" { policy = \"deny\" }", "node \"n1\" { policy = \"write\" }");

        Assert.True(authorizer.NodeWrite("n1"));
        Assert.False(authorizer.NodeRead("n10"));
    }

    [Theory]
    [InlineData("read", "write", "write")]
    [InlineData("write", "deny", "deny")]
    [InlineData("list", "read", "list")]
    [InlineData("write", "list", "write")]
    [InlineData("deny", "read", "deny")]
    public void MergedPolicies_TakeTheStrongest_DenyWriteListRead(string first, string second, string expected)
    {
        var authorizer = Deny($"key \"k\" {{ policy = \"{first}\" }}", $"key \"k\" {{ policy = \"{second}\" }}");
        var reference = Deny($"key \"k\" {{ policy = \"{expected}\" }}");

        foreach (var level in new[] { AccessLevel.Read, AccessLevel.List, AccessLevel.Write })
        {
            Assert.Equal(reference.Allows(new Permission(AclResource.Key, level, "k")), authorizer.Allows(new Permission(AclResource.Key, level, "k")));
        }
    }

    [Fact]
    public void MergedScalars_TakeTheStrongest()
    {
        Assert.True(Deny("operator = \"read\"", "operator = \"write\"").OperatorWrite());
        Assert.False(Deny("acl = \"write\"", "acl = \"deny\"").AclRead());
    }

    [Theory]
    [InlineData(AccessLevel.Write, true, true, true)]
    [InlineData(AccessLevel.List, true, true, false)]
    [InlineData(AccessLevel.Read, true, false, false)]
    [InlineData(AccessLevel.Deny, false, false, false)]
    public void Levels_Enforce_WriteImpliesListAndRead(AccessLevel granted, bool read, bool list, bool write)
    {
        var authorizer = Compile(AclDefaultPolicy.Allow, $"key_prefix \"\" {{ policy = \"{granted.Name()}\" }}");

        Assert.Equal(read, authorizer.KeyRead("a"));
        Assert.Equal(list, authorizer.KeyList("a"));
        Assert.Equal(write, authorizer.KeyWrite("a"));
    }

    [Theory]
    [InlineData("service \"web\" { policy = \"write\" }", true, false)]
    [InlineData("service \"web\" { policy = \"read\" }", true, false)]
    [InlineData("service \"web\" { policy = \"deny\" }", false, false)]
    [InlineData("service \"web\" { policy = \"read\" intentions = \"write\" }", true, true)]
    [InlineData("service \"web\" { policy = \"write\" intentions = \"deny\" }", false, false)]
    [InlineData("service \"web\" { intentions = \"write\" }", true, true)]
    public void Intentions_DefaultToReadForServiceReadOrWrite_AndAreNotImpliedWritable(string rules, bool read, bool write)
    {
        var authorizer = Deny(rules);

        Assert.Equal(read, authorizer.IntentionRead("web"));
        Assert.Equal(write, authorizer.IntentionWrite("web"));
    }

    [Fact]
    public void Intentions_MergeSeparatelyFromServicePolicy()
    {
        // Merged policy deny with an explicit intentions write elsewhere: intentions stay write, as Consul merges the fields apart.
        var authorizer = Deny("service \"web\" { policy = \"deny\" }", "service \"web\" { policy = \"read\" intentions = \"write\" }");

        Assert.False(authorizer.ServiceRead("web"));
        Assert.True(authorizer.IntentionWrite("web"));
    }

    [Theory]
    [InlineData("operator = \"write\"", true, true, true, true)]
    [InlineData("operator = \"read\"", true, false, true, false)]
    [InlineData("operator = \"write\"\nmesh = \"deny\"", false, false, true, true)]
    [InlineData("operator = \"read\"\npeering = \"write\"", true, false, true, true)]
    [InlineData("", false, false, false, false)]
    public void MeshAndPeering_FallBackToOperator(string rules, bool meshRead, bool meshWrite, bool peeringRead, bool peeringWrite)
    {
        var authorizer = Deny(rules);

        Assert.Equal(meshRead, authorizer.MeshRead());
        Assert.Equal(meshWrite, authorizer.MeshWrite());
        Assert.Equal(peeringRead, authorizer.PeeringRead());
        Assert.Equal(peeringWrite, authorizer.PeeringWrite());
    }

    [Fact]
    public void DefaultPolicy_DecidesOnlyWhatNoRuleMatches()
    {
        const string rules = "service \"db\" { policy = \"deny\" }\nservice \"web\" { policy = \"read\" }";
        var allow = Compile(AclDefaultPolicy.Allow, rules);
        var deny = Compile(AclDefaultPolicy.Deny, rules);

        Assert.True(allow.ServiceWrite("other"));
        Assert.False(deny.ServiceWrite("other"));
        Assert.False(allow.ServiceRead("db"));
        Assert.False(allow.ServiceWrite("web"));
        Assert.True(deny.ServiceRead("web"));
        Assert.Equal(EnforcementDecision.Default, deny.Decide(Permission.ServiceRead("other")));
        Assert.Equal(EnforcementDecision.Deny, allow.Decide(Permission.ServiceRead("db")));
        Assert.Equal(EnforcementDecision.Allow, deny.Decide(Permission.ServiceRead("web")));
    }

    [Fact]
    public void Management_AllowsEverything_EvenUnderDenyDefault()
    {
        var authorizer = Deny(AclBuiltins.ManagementRules);

        Assert.True(authorizer.AclWrite());
        Assert.True(authorizer.OperatorWrite());
        Assert.True(authorizer.MeshWrite());
        Assert.True(authorizer.PeeringWrite());
        Assert.True(authorizer.KeyringWrite());
        Assert.True(authorizer.ServiceWrite("anything"));
        Assert.True(authorizer.IntentionWrite("anything"));
        Assert.True(authorizer.IntentionWrite("*"));
        Assert.True(authorizer.NodeWrite("n"));
        Assert.True(authorizer.AgentWrite("n"));
        Assert.True(authorizer.KeyWritePrefix(""));
        Assert.True(authorizer.SessionWrite("n"));
        Assert.True(authorizer.EventWrite("e"));
        Assert.True(authorizer.QueryWrite("q"));
        Assert.True(authorizer.ServiceReadAll());
        Assert.True(authorizer.NodeReadAll());
    }

    [Fact]
    public void ReadOnlyBuiltin_ReadsEverything_WritesNothing()
    {
        var authorizer = Deny(AclBuiltins.ReadOnlyRules);

        Assert.True(authorizer.AclRead());
        Assert.False(authorizer.AclWrite());
        Assert.True(authorizer.ServiceRead("x"));
        Assert.False(authorizer.ServiceWrite("x"));
        Assert.True(authorizer.IntentionRead("x"));
        Assert.False(authorizer.IntentionWrite("x"));
        Assert.True(authorizer.MeshRead());
        Assert.False(authorizer.OperatorWrite());
    }

    [Fact]
    public void Wildcards_AnyAllowedAndAllAllowed()
    {
        var partial = Deny("service \"web\" { policy = \"write\" intentions = \"write\" }");
        var everything = Deny("service_prefix \"\" { policy = \"read\" intentions = \"write\" }");
        var everythingButDb = Deny("service_prefix \"\" { policy = \"read\" intentions = \"write\" }", "service \"db\" { policy = \"deny\" }");

        Assert.True(partial.ServiceWriteAny());
        Assert.True(partial.IntentionRead("*"));
        Assert.False(partial.IntentionWrite("*"));
        Assert.False(partial.ServiceReadAll());
        Assert.True(everything.IntentionWrite("*"));
        Assert.True(everything.ServiceReadAll());
        Assert.False(everything.ServiceWriteAny());
        Assert.False(everythingButDb.ServiceReadAll());
        Assert.False(everythingButDb.IntentionWrite("*"));
        Assert.False(Deny().NodeReadAll());
        Assert.True(Compile(AclDefaultPolicy.Allow).NodeReadAll());
    }

    [Fact]
    public void KeyWritePrefix_NeedsWriteOverThePrefixAndNothingWeakerBeneath()
    {
        Assert.True(Deny("key_prefix \"app/\" { policy = \"write\" }").KeyWritePrefix("app/x"));
        Assert.False(Deny("key_prefix \"app/\" { policy = \"write\" }", "key \"app/x/secret\" { policy = \"read\" }").KeyWritePrefix("app/x"));
        Assert.False(Deny("key_prefix \"app/\" { policy = \"read\" }").KeyWritePrefix("app/"));
        Assert.False(Deny().KeyWritePrefix("app/"));
        Assert.True(Compile(AclDefaultPolicy.Allow).KeyWritePrefix("app/"));
    }

    [Fact]
    public void DeniedMessages_HaveConsulsExactShape()
    {
        var authorizer = Deny();

        Assert.Equal($"Permission denied: token with AccessorID '{Accessor}' lacks permission 'service:write' on \"web\"", authorizer.DeniedMessage(Permission.ServiceWrite("web")));
        Assert.Equal($"Permission denied: token with AccessorID '{Accessor}' lacks permission 'intention:write' on \"db\"", authorizer.DeniedMessage(Permission.IntentionWrite("db")));
        Assert.Equal($"Permission denied: token with AccessorID '{Accessor}' lacks permission 'operator:write'", authorizer.DeniedMessage(Permission.OperatorWrite));
        Assert.Equal($"Permission denied: token with AccessorID '{Accessor}' lacks permission 'acl:read'", authorizer.DeniedMessage(Permission.AclRead));
        Assert.Equal("Permission denied: provided token lacks permission 'key:list' on \"app/\"", PermissionDeniedMessage.For(null, Permission.KeyList("app/")));
    }

    [Fact]
    public void WithoutRules_IsTheDefaultPolicy()
    {
        Assert.True(Authorizer.WithoutRules(AclDefaultPolicy.Allow).AclWrite());
        Assert.False(Authorizer.WithoutRules(AclDefaultPolicy.Deny).ServiceRead("web"));
    }

    [Fact]
    public void FiftyPoliciesOfFiveHundredRules_CompileIntoCorrectDecisions()
    {
        var policies = Enumerable.Range(0, 50).Select(p => string.Join('\n', Enumerable.Range(0, 500).Select(r => (r % 4) switch
        {
            0 => $"service \"svc-{p}-{r}\" {{ policy = \"write\" }}",
            1 => $"service_prefix \"pre-{p}-{r}-\" {{ policy = \"read\" }}",
            2 => $"node \"node-{p}-{r}\" {{ policy = \"write\" }}",
            _ => $"key_prefix \"kv/{p}/{r}/\" {{ policy = \"list\" }}",
        }))).ToArray();

        var authorizer = Deny(policies);

        Assert.True(authorizer.ServiceWrite("svc-49-496"));
        Assert.False(authorizer.ServiceWrite("svc-49-497"));
        Assert.True(authorizer.ServiceRead("pre-3-1-anything"));
        Assert.False(authorizer.ServiceWrite("pre-3-1-anything"));
        Assert.True(authorizer.NodeWrite("node-20-2"));
        Assert.True(authorizer.KeyList("kv/7/3/x"));
        Assert.False(authorizer.KeyWrite("kv/7/3/x"));
        Assert.False(authorizer.ServiceRead("unrelated"));
    }
}
