using Mesh.Fsm.Model;
using Mesh.Fsm.State;

namespace Mesh.Fsm.Tests.Support;

/// <summary>
/// Recomputes every secondary index from the primary tables and compares it with the one the store maintains,
/// and checks the referential rules the FSM promises (rows hang off existing nodes and services).
/// </summary>
public static class StoreInvariants
{
    public static void AssertConsistent(StoreState state)
    {
        AssertIndex("ServicesByName", state.ServicesByName, state.Services.Select(p => (NameKey.Of(p.Value.Service), p.Key)));
        AssertIndex("ServicesByNode", state.ServicesByNode, state.Services.Select(p => (p.Key.Node, p.Key)));
        AssertIndex("ServicesByKind", state.ServicesByKind, state.Services.Select(p => (p.Value.Kind, p.Key)));
        AssertIndex(
            "ServicesByConnect",
            state.ServicesByConnect,
            state.Services.Where(p => p.Value.ConnectDestination is not null).Select(p => (NameKey.Of(p.Value.ConnectDestination!), p.Key)));
        AssertIndex("ChecksByNode", state.ChecksByNode, state.Checks.Select(p => (p.Key.Node, p.Key)));

        foreach (var (key, service) in state.Services)
        {
            Assert.True(state.Nodes.ContainsKey(key.Node), $"service {key} is on a missing node");
            Assert.Equal(key.ServiceId, service.Id);
        }

        foreach (var (key, check) in state.Checks)
        {
            Assert.True(state.Nodes.ContainsKey(key.Node), $"check {key} is on a missing node");
            Assert.Equal(key.CheckId, check.CheckId);
            Assert.Equal(state.Nodes[key.Node].Name, check.Node);
            if (check.ServiceId.Length > 0)
            {
                var owner = state.FindService(check.Node, check.ServiceId);
                Assert.True(owner is not null, $"check {key} refers to missing service {check.ServiceId}");
                Assert.Equal(owner.Service, check.ServiceName);
                Assert.Equal(owner.Tags, check.ServiceTags);
            }
        }

        foreach (var (key, node) in state.Nodes)
        {
            Assert.Equal(NameKey.Of(node.Name), key);
        }
    }

    private static void AssertIndex<TKey>(string name, SecondaryIndex<TKey> index, IEnumerable<(string Value, TKey Key)> expectedPairs)
        where TKey : IComparable<TKey>
    {
        var expected = expectedPairs
            .GroupBy(p => p.Value, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(p => p.Key).Order().ToList(), StringComparer.Ordinal);
        Assert.True(
            expected.Keys.Order(StringComparer.Ordinal).SequenceEqual(index.Values),
            $"{name} values [{string.Join(", ", index.Values)}] differ from [{string.Join(", ", expected.Keys.Order(StringComparer.Ordinal))}]");
        Assert.Equal(expected.Count, index.Count);
        foreach (var (value, keys) in expected)
        {
            Assert.True(keys.SequenceEqual(index.Get(value)), $"{name}[{value}] is [{string.Join(", ", index.Get(value))}], expected [{string.Join(", ", keys)}]");
        }
    }

    /// <summary>Services of a kind, as the index reports them.</summary>
    public static IReadOnlyList<NodeService> OfKind(StoreState state, string kind)
        => [.. state.ServicesByKind.Get(kind).Select(key => state.Services[key])];
}
