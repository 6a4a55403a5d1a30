using Mesh.Acl.Rules;
using Mesh.Fsm.Model.Acl;

namespace Mesh.Acl.Tests.Rules;

public sealed class RulesParserTests
{
    private static ResourceRule Single(string text) => Assert.Single(RulesParser.Parse(text).Rules);

    private static RulesSyntaxException Fails(string text) => Assert.Throws<RulesSyntaxException>(() => RulesParser.Parse(text));

    [Fact]
    public void Hcl_ServiceBlockWithIntentionsOnOneLine_Parses()
    {
        var rule = Single("service \"web\" { policy = \"write\" intentions = \"read\" }");

        Assert.Equal(new ResourceRule(AclResource.Service, "web", false, AccessLevel.Write, AccessLevel.Read), rule);
    }

    [Fact]
    public void Hcl_EveryResourceKind_Parses()
    {
        const string text = """
            acl = "write"
            operator = "read"
            keyring = "deny"
            mesh = "read"
            peering = "write"
            agent "a1" { policy = "read" }
            agent_prefix "" { policy = "write" }
            event "deploy" { policy = "write" }
            event_prefix "" { policy = "read" }
            key "app/config" { policy = "write" }
            key_prefix "app/" { policy = "list" }
            node "n1" { policy = "write" }
            node_prefix "" { policy = "read" }
            query "q" { policy = "write" }
            query_prefix "" { policy = "read" }
            service "web" { policy = "write" }
            service_prefix "" { policy = "read" }
            session "n1" { policy = "write" }
            session_prefix "" { policy = "read" }
            identity "web" { policy = "write" }
            identity_prefix "" { policy = "read" }
            """;

        var rules = RulesParser.Parse(text).Rules;

        Assert.Equal(21, rules.Count);
        Assert.Contains(new ResourceRule(AclResource.Acl, null, false, AccessLevel.Write), rules);
        Assert.Contains(new ResourceRule(AclResource.Keyring, null, false, AccessLevel.Deny), rules);
        Assert.Contains(new ResourceRule(AclResource.Key, "app/", true, AccessLevel.List), rules);
        Assert.Contains(new ResourceRule(AclResource.Agent, "", true, AccessLevel.Write), rules);
        Assert.Contains(new ResourceRule(AclResource.Session, "n1", false, AccessLevel.Write), rules);
        Assert.Contains(new ResourceRule(AclResource.Query, "", true, AccessLevel.Read), rules);
        Assert.Contains(new ResourceRule(AclResource.Event, "deploy", false, AccessLevel.Write), rules);
        Assert.Contains(new ResourceRule(AclResource.Identity, "web", false, AccessLevel.Write), rules);
    }

    [Fact]
    public void Hcl_CommentsOfAllThreeKindsAndCommas_AreIgnored()
    {
        const string text = """
            # hash comment
            // slash comment
            /* block
               comment */ service "web" {
              policy = "read", // trailing
              intentions = "deny" # trailing
            }
            """;

        Assert.Equal(new ResourceRule(AclResource.Service, "web", false, AccessLevel.Read, AccessLevel.Deny), Single(text));
    }

    [Fact]
    public void PolicyStrings_AreCaseInsensitive()
    {
        Assert.Equal(AccessLevel.Write, Single("node \"n\" { policy = \"WRITE\" }").Policy);
        Assert.Equal(AccessLevel.Deny, Single("operator = \"Deny\"").Policy);
    }

    [Fact]
    public void Hcl_RepeatedBlocksAndEscapedLabels_AreKeptInOrder()
    {
        var rules = RulesParser.Parse("service \"a\" { policy = \"read\" }\nservice \"b\\\"c\" { policy = \"write\" }").Rules;

        Assert.Equal(["a", "b\"c"], rules.Select(r => r.Label));
    }

    [Fact]
    public void Json_EquivalentForm_ParsesToTheSameRules()
    {
        const string hcl = """
            service "web" { policy = "write" intentions = "read" }
            node_prefix "" { policy = "read" }
            operator = "read"
            key_prefix "app/" { policy = "list" }
            """;
        const string json = """
            {
              "service": {"web": {"policy": "write", "intentions": "read"}},
              "node_prefix": {"": {"policy": "read"}},
              "operator": "read",
              "key_prefix": [{"app/": {"policy": "list"}}]
            }
            """;

        Assert.Equal(RulesParser.Parse(hcl).Rules, RulesParser.Parse(json).Rules);
    }

    [Fact]
    public void EmptyAndCommentOnlyDocuments_AreEmptyPolicies()
    {
        Assert.Empty(RulesParser.Parse("").Rules);
        Assert.Empty(RulesParser.Parse("  # nothing\n").Rules);
        Assert.Empty(RulesParser.Parse("{}").Rules);
    }

    [Fact]
    public void BuiltinPolicies_Parse()
    {
        var management = RulesParser.Parse(AclBuiltins.ManagementRules).Rules;
        var readOnly = RulesParser.Parse(AclBuiltins.ReadOnlyRules).Rules;

        Assert.Equal(12, management.Count);
        Assert.All(management.Where(r => r.Resource != AclResource.Service), r => Assert.Equal(AccessLevel.Write, r.Policy));
        Assert.Contains(new ResourceRule(AclResource.Service, "", true, AccessLevel.Write, AccessLevel.Write), management);
        Assert.All(readOnly, r => Assert.Equal(AccessLevel.Read, r.Policy));
    }

    [Theory]
    [InlineData("service \"web\" { policy = \"wrte\" }", 1, 26, "Invalid service \"web\" policy: \"wrte\"")]
    [InlineData("node \"n\" {\n  policy = \"list\"\n}", 2, 12, "Invalid node \"n\" policy: \"list\"")]
    [InlineData("operator = \"list\"", 1, 12, "Invalid operator: \"list\"")]
    [InlineData("\n\nfoo \"x\" { policy = \"read\" }", 3, 1, "unknown resource \"foo\"")]
    [InlineData("service \"web\" {\n  policy = \"read\"\n  polcy = \"write\"\n}", 3, 3, "unknown setting \"polcy\" in service \"web\"")]
    [InlineData("node \"n\" { intentions = \"read\" }", 1, 12, "unknown setting \"intentions\" in node \"n\"")]
    [InlineData("service \"web\" {\n  policy = \"read\"\n", 3, 1, "block opened at line 1, column 15 is not closed")]
    [InlineData("service \"web\" { policy = \"read }", 1, 26, "string not terminated")]
    [InlineData("/* never closed\nservice \"web\" {}", 1, 1, "comment not terminated")]
    [InlineData("service \"web\" policy = \"read\"", 1, 15, "expected '{' after \"service\" \"web\"")]
    [InlineData("service \"web\" { policy = read }", 1, 26, "expected a value")]
    [InlineData("service \"web\" { }", 1, 15, "service \"web\" has no policy")]
    [InlineData("service = \"write\"", 1, 11, "\"service\" must be a block with a name")]
    [InlineData("operator = { policy = \"read\" }", 1, 12, "Invalid operator: expected")]
    [InlineData("namespace \"team\" { }", 1, 1, "Consul Enterprise")]
    [InlineData("service \"web\" { policy = \"read\" } }", 1, 35, "expected a resource name")]
    [InlineData("key \"a\" { policy = <<EOF\nx\nEOF\n}", 1, 20, "heredoc")]
    [InlineData("{\"service\": {\"web\": {\"policy\": \"read\"}}", 1, 40, "is not closed")]
    [InlineData("{\n  \"service\": {\n    \"web\": {\"policy\": \"admin\"}\n  }\n}", 3, 23, "Invalid service \"web\" policy: \"admin\"")]
    [InlineData("{\"node\": {\"n\": {\"policy\": \"read\"}}} extra", 1, 37, "expected the end of the rules after the rules")]
    [InlineData("service \"web\" { policy = \"read\" @ }", 1, 33, "unexpected character '@'")]
    public void MalformedRules_NameTheLineColumnAndProblem(string text, int line, int column, string problem)
    {
        var error = Fails(text);

        Assert.Equal(line, error.Line);
        Assert.Equal(column, error.Column);
        Assert.Contains(problem, error.Problem);
        Assert.StartsWith($"Failed to parse ACL rules: line {line}, column {column}: ", error.Message);
    }

    [Fact]
    public void HugeDocuments_AreRefused()
    {
        var text = new string(' ', AclNames.MaxRulesLength + 1);

        Assert.Contains("more than the limit", Fails(text).Message);
    }

    [Fact]
    public void DeepNesting_IsRefusedWithoutOverflowingTheStack()
    {
        var text = "acl = " + new string('[', 10_000);

        Assert.Contains("nested too deeply", Fails(text).Message);
    }

    [Fact]
    public void TryParse_ReportsTheMessage()
    {
        Assert.False(RulesParser.TryParse("service \"web\" { policy = \"nope\" }", out _, out var error));
        Assert.Contains("line 1", error);
        Assert.True(RulesParser.TryParse("acl = \"read\"", out var rules, out error));
        Assert.Null(error);
        Assert.Single(rules.Rules);
    }
}
