using Mesh.FaultTest.Fuzz;

namespace Mesh.FaultTest.Tests;

public sealed class CaseGeneratorTests
{
    [Fact]
    public void SameSeed_SameCases()
    {
        var a = new CaseGenerator(42);
        var b = new CaseGenerator(42);
        for (var i = 0; i < 500; i++)
        {
            var x = a.Next();
            var y = b.Next();
            Assert.Equal(x.PathAndQuery, y.PathAndQuery);
            Assert.Equal(x.Body, y.Body);
        }
    }

    [Fact]
    public void Cases_CoverEveryWriteEndpointAndTheStructuredMutations()
    {
        var generator = new CaseGenerator(1);
        var cases = Enumerable.Range(0, 3000).Select(_ => generator.Next()).ToList();
        foreach (var template in EndpointTemplates.All)
        {
            Assert.Contains(cases, c => c.Endpoint == template.Name);
        }

        string[] mutations = ["duplicate-key", "bad-utf8-name", "bad-utf8-value", "deep-nesting", "huge-number", "wrong-type", "odd-query", "truncated"];
        foreach (var mutation in mutations)
        {
            Assert.Contains(cases, c => c.Mutation.Split('+').Contains(mutation));
        }

        // Bad UTF-8 really is in the bytes sent.
        Assert.Contains(cases, c => c.Mutation.Contains("bad-utf8-name", StringComparison.Ordinal) && c.Body!.Contains((byte)0xff));
    }
}
