using System.Text.Json;
using Mesh.Config.Filtering;

namespace Mesh.Config.Tests.Filtering;

/// <summary>go-bexpr semantics over the JSON of a health row (<c>CheckServiceNode</c>): each operator, precedence, quoting.</summary>
public sealed class FilterEvaluationTests
{
    private static readonly JsonElement Row = JsonDocument.Parse("""
        {"Node":{"ID":"n1","Node":"node-1","Address":"127.0.0.1","Meta":{"env":"prod","app.kubernetes.io/name":"web","desc":"a\tb"},"TaggedAddresses":{}},
         "Service":{"ID":"web-1","Service":"web","Tags":["primary","canary"],"Meta":{"version":"v2","build":"v1.2.3","empty":""},
                    "Port":8080,"EnableTagOverride":false,"Address":"","Weights":{"Passing":1,"Warning":1},"Proxy":{"Upstreams":null}},
         "Checks":[{"CheckID":"serfHealth","Status":"passing","ServiceTags":[]},{"CheckID":"svc","Status":"critical","ServiceTags":["x"]}]}
        """).RootElement.Clone();

    [Theory]
    [InlineData("Service.Meta.version == v2", true)]
    [InlineData("Service.Meta.version == v1", false)]
    [InlineData("Service.Meta.version != v1", true)]
    [InlineData("Service.Meta.version != v2", false)]
    [InlineData("Service.Meta.version==v2", true)]
    public void Matches_Equality_ComparesStrings(string expression, bool expected)
        => Assert.Equal(expected, FilterExpression.Parse(expression).Matches(Row));

    [Theory]
    [InlineData("Service.Meta.missing == v1", false)]
    [InlineData("Service.Meta.missing != v1", true)]
    [InlineData("Service.Meta.missing is empty", true)]
    [InlineData("Service.Meta.missing is not empty", false)]
    [InlineData("x in Service.Meta.missing", false)]
    [InlineData("x not in Service.Meta.missing", true)]
    [InlineData("Service.Meta.missing matches \".*\"", false)]
    [InlineData("Service.Meta.missing not matches \".*\"", true)]
    [InlineData("Service.Proxy.Upstreams is empty", true)]
    [InlineData("Service.Proxy.Upstreams.DestinationName == x", false)]
    public void Matches_MissingKeyOrNull_AnswersAsGoBexprDoesForAnAbsentMapKey(string expression, bool expected)
        => Assert.Equal(expected, FilterExpression.Parse(expression).Matches(Row));

    [Theory]
    [InlineData("\"primary\" in Service.Tags", true)]
    [InlineData("primary in Service.Tags", true)]
    [InlineData("\"nope\" in Service.Tags", false)]
    [InlineData("\"nope\" not in Service.Tags", true)]
    [InlineData("\"canary\" not in Service.Tags", false)]
    [InlineData("Service.Tags contains canary", true)]
    [InlineData("Service.Tags contains \"nope\"", false)]
    [InlineData("Service.Tags not contains canary", false)]
    [InlineData("Service.Tags not contains nope", true)]
    [InlineData("env in Node.Meta", true)]
    [InlineData("\"staging\" in Node.Meta", false)]
    [InlineData("Node.Meta contains env", true)]
    [InlineData("Service.Service contains \"we\"", true)]
    [InlineData("\"eb\" in Service.Service", true)]
    [InlineData("\"api\" in Service.Service", false)]
    public void Matches_InAndContains_TestListElementsMapKeysAndSubstrings(string expression, bool expected)
        => Assert.Equal(expected, FilterExpression.Parse(expression).Matches(Row));

    [Theory]
    [InlineData("Service.Tags is empty", false)]
    [InlineData("Service.Tags is not empty", true)]
    [InlineData("Service.Address is empty", true)]
    [InlineData("Service.Meta.empty is empty", true)]
    [InlineData("Service.Meta is not empty", true)]
    [InlineData("Node.TaggedAddresses is empty", true)]
    public void Matches_Emptiness_TestsStringsListsAndMaps(string expression, bool expected)
        => Assert.Equal(expected, FilterExpression.Parse(expression).Matches(Row));

    [Theory]
    [InlineData("Service.Service matches \"^w.b$\"", true)]
    [InlineData("Service.Service matches `^api`", false)]
    [InlineData("Service.Service not matches \"^api\"", true)]
    [InlineData("Service.Service not matches \"e\"", false)]
    [InlineData("Service.Meta.build matches \"^v1\\\\.[0-9]+\"", true)]
    [InlineData("Service.Tags matches \"^can\"", false)]
    [InlineData("Service.Service matches \"(?P<first>w)eb\"", true)]
    public void Matches_Regex_UsesTheValueAsAPattern(string expression, bool expected)
        => Assert.Equal(expected, FilterExpression.Parse(expression).Matches(Row));

    [Theory]
    [InlineData("Service.Port == 8080", true)]
    [InlineData("Service.Port == 8081", false)]
    [InlineData("Service.Port != 8081", true)]
    [InlineData("Service.Port == \"8080\"", true)]
    [InlineData("Service.Port == abc", false)]
    [InlineData("Service.Weights.Passing == 1", true)]
    [InlineData("Service.EnableTagOverride == false", true)]
    [InlineData("Service.EnableTagOverride == true", false)]
    [InlineData("Service.EnableTagOverride != true", true)]
    [InlineData("Service.EnableTagOverride == f", true)]
    [InlineData("Service.Port.Foo == 1", false)]
    public void Matches_NumbersAndBooleans_CoerceTheValueToTheFieldType(string expression, bool expected)
        => Assert.Equal(expected, FilterExpression.Parse(expression).Matches(Row));

    [Theory]
    [InlineData("Checks.Status == passing", true)]
    [InlineData("Checks.Status == critical", true)]
    [InlineData("Checks.Status == warning", false)]
    [InlineData("Checks.Status != passing", true)]
    [InlineData("Checks.CheckID == svc and Checks.Status == passing", true)]
    [InlineData("x in Checks.ServiceTags", true)]
    [InlineData("Checks.ServiceTags is empty", true)]
    [InlineData("Checks.0.CheckID == serfHealth", true)]
    [InlineData("Checks.1.Status == passing", false)]
    [InlineData("Checks.5.Status == passing", false)]
    public void Matches_ListInTheMiddleOfASelector_MatchesWhenAnyElementDoes(string expression, bool expected)
        => Assert.Equal(expected, FilterExpression.Parse(expression).Matches(Row));

    [Theory]
    [InlineData("Service.Meta.version == v1 or Service.Port == 8080 and Node.Meta.env == prod", true)]
    [InlineData("Service.Meta.version == v1 or Service.Port == 8080 and Node.Meta.env == dev", false)]
    [InlineData("(Service.Meta.version == v1 or Service.Port == 8080) and Node.Meta.env == dev", false)]
    [InlineData("Service.Meta.version == v2 or Service.Port == 1 and Node.Meta.env == dev", true)]
    [InlineData("(Service.Meta.version == v2 or Service.Port == 1) and Node.Meta.env == dev", false)]
    [InlineData("not Service.Meta.version == v1", true)]
    [InlineData("not not Service.Meta.version == v1", false)]
    [InlineData("not Service.Meta.version == v1 and Service.Port == 1", false)]
    [InlineData("not (Service.Meta.version == v2 and Service.Port == 1)", true)]
    [InlineData("not(Service.Port == 1)", true)]
    [InlineData("Service.Meta.version == v2 and not \"canary\" in Service.Tags", false)]
    [InlineData("  ( Service.Port==8080 )  ", true)]
    [InlineData("((Service.Port == 8080))", true)]
    [InlineData("Service.Port == 8080\nand\tNode.Meta.env == prod", true)]
    public void Matches_BooleanLogic_AndBindsTighterThanOrAndNotTighterThanBoth(string expression, bool expected)
        => Assert.Equal(expected, FilterExpression.Parse(expression).Matches(Row));

    [Theory]
    [InlineData("Service.Service == \"web\"", true)]
    [InlineData("Service.Service == `web`", true)]
    [InlineData("Node.Node == \"node-1\"", true)]
    [InlineData("Node.Meta.desc == \"a\\tb\"", true)]
    [InlineData("Node.Meta.desc == `a\\tb`", false)]
    [InlineData("Node.Meta.desc == \"a\\u0009b\"", true)]
    [InlineData("Node.Meta[\"app.kubernetes.io/name\"] == web", true)]
    [InlineData("Node.Meta[`env`] == prod", true)]
    [InlineData("Node.Meta[ \"env\" ] == prod", true)]
    [InlineData("\"/Service/Meta/version\" == v2", true)]
    [InlineData("\"/Node/Meta/app.kubernetes.io~1name\" == web", true)]
    [InlineData("v2 in \"/Service/Meta/version\"", true)]
    [InlineData("Service.Meta.build == v1.2.3", true)]
    [InlineData("Service.Meta.version == \"V2\"", false)]
    [InlineData("service.meta.version == v2", false)]
    public void Matches_QuotingIndexesAndPointers_SelectAndCompareExactly(string expression, bool expected)
        => Assert.Equal(expected, FilterExpression.Parse(expression).Matches(Row));

    [Fact]
    public void Matches_SameExpressionManyItems_EvaluatesEachIndependently()
    {
        var filter = FilterExpression.Parse("Meta.version == v2 and \"canary\" in Tags");
        var items = JsonDocument.Parse("""
            [{"Meta":{"version":"v2"},"Tags":["canary"]},{"Meta":{"version":"v1"},"Tags":["canary"]},{"Meta":{"version":"v2"},"Tags":[]},{"Tags":null}]
            """).RootElement;

        var kept = items.EnumerateArray().Select(filter.Matches).ToArray();

        Assert.Equal([true, false, false, false], kept);
        Assert.Equal("Meta.version == v2 and \"canary\" in Tags", filter.Text);
    }
}
