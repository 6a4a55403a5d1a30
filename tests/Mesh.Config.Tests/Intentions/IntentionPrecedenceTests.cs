using Mesh.Config.Intentions;

namespace Mesh.Config.Tests.Intentions;

/// <summary>Consul's precedence table (docs: "Precedence and Match Order").</summary>
public sealed class IntentionPrecedenceTests
{
    [Theory]
    [InlineData("default", "web", "default", "api", 9)]
    [InlineData("default", "web", "default", "*", 8)]
    [InlineData("default", "web", "*", "*", 7)]
    [InlineData("default", "*", "default", "api", 6)]
    [InlineData("default", "*", "default", "*", 5)]
    [InlineData("default", "*", "*", "*", 4)]
    [InlineData("*", "*", "default", "api", 3)]
    [InlineData("*", "*", "default", "*", 2)]
    [InlineData("*", "*", "*", "*", 1)]
    public void Compute_MatchesConsulsTable(string destinationNs, string destination, string sourceNs, string source, int expected)
        => Assert.Equal(expected, IntentionPrecedence.Compute(destinationNs, destination, sourceNs, source));

    [Fact]
    public void Compute_ExactBeatsWildcard_DestinationWeighsMoreThanSource()
    {
        Assert.True(IntentionPrecedence.Compute("db", "web") > IntentionPrecedence.Compute("db", "*"));
        Assert.True(IntentionPrecedence.Compute("db", "*") > IntentionPrecedence.Compute("*", "web"));
        Assert.True(IntentionPrecedence.Compute("*", "web") > IntentionPrecedence.Compute("*", "*"));
    }
}
