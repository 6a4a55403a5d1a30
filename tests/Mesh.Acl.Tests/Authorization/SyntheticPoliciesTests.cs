using Mesh.Acl.Authorization;
using Mesh.Fsm.Model.Acl;

namespace Mesh.Acl.Tests.Authorization;

public sealed class SyntheticPoliciesTests
{
    private static Authorizer Deny(params Mesh.Acl.Rules.PolicyRules[] policies) => AuthorizerCompiler.Compile(null, policies, AclDefaultPolicy.Deny);

    [Fact]
    public void ServiceIdentity_WritesItselfAndItsSidecar_ReadsTheCatalog()
    {
        var authorizer = Deny(SyntheticPolicies.ForService("web"));

        Assert.True(authorizer.ServiceWrite("web"));
        Assert.True(authorizer.ServiceWrite("web-sidecar-proxy"));
        Assert.False(authorizer.ServiceWrite("db"));
        Assert.True(authorizer.ServiceRead("db"));
        Assert.True(authorizer.NodeRead("any-node"));
        Assert.False(authorizer.NodeWrite("any-node"));
        Assert.True(authorizer.IntentionRead("web"));
        Assert.False(authorizer.IntentionWrite("web"));
        Assert.False(authorizer.OperatorRead());
    }

    [Fact]
    public void NodeIdentity_WritesItsNode_ReadsServices()
    {
        var authorizer = Deny(SyntheticPolicies.ForNode("node-1"));

        Assert.True(authorizer.NodeWrite("node-1"));
        Assert.False(authorizer.NodeWrite("node-2"));
        Assert.False(authorizer.NodeRead("node-2"));
        Assert.True(authorizer.ServiceRead("web"));
        Assert.False(authorizer.ServiceWrite("web"));
    }

    [Fact]
    public void Templates_ExpandLikeTheIdentities()
    {
        var service = Deny(SyntheticPolicies.ForTemplate(new AclTemplatedPolicy { TemplateName = AclTemplatedPolicy.Service, Name = "api" })!);
        var node = Deny(SyntheticPolicies.ForTemplate(new AclTemplatedPolicy { TemplateName = AclTemplatedPolicy.Node, Name = "n" })!);
        var dns = Deny(SyntheticPolicies.ForTemplate(new AclTemplatedPolicy { TemplateName = AclTemplatedPolicy.Dns })!);

        Assert.True(service.ServiceWrite("api-sidecar-proxy"));
        Assert.True(node.NodeWrite("n"));
        Assert.True(dns.QueryRead("q"));
        Assert.True(dns.NodeRead("n"));
        Assert.False(dns.ServiceWrite("web"));
        Assert.Null(SyntheticPolicies.ForTemplate(new AclTemplatedPolicy { TemplateName = "builtin/unknown" }));
    }
}
