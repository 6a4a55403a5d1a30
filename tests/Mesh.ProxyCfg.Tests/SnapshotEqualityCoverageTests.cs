using System.Reflection;

namespace Mesh.ProxyCfg.Tests;

/// <summary>
/// Fails when a snapshot type gains a property that <see cref="SnapshotEquality"/> neither compares nor deliberately
/// ignores: such a property would change Envoy's configuration without proxies ever being sent the change.
/// </summary>
public sealed class SnapshotEqualityCoverageTests
{
    public static TheoryData<string> ComparedTypes() => [.. SnapshotEquality.Compared.Keys.Select(type => type.FullName!)];

    [Theory]
    [MemberData(nameof(ComparedTypes))]
    public void Compared_ListsEveryPublicPropertyOfTheType(string typeName)
    {
        var (type, (compared, ignored)) = SnapshotEquality.Compared.Single(pair => pair.Key.FullName == typeName);
        var listed = compared.Concat(ignored).ToList();
        var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(property => property.GetIndexParameters().Length == 0)
            .Select(property => property.Name)
            .ToList();

        Assert.Equal(listed.Count, listed.Distinct(StringComparer.Ordinal).Count());
        Assert.Empty(properties.Except(listed, StringComparer.Ordinal)); // a new property: compare it, or list it as ignored
        Assert.Empty(listed.Except(properties, StringComparer.Ordinal)); // a removed property: drop it from the list
    }

    [Fact]
    public void Compared_CoversEverySnapshotTypeReachableFromConfigSnapshot()
    {
        // Types compared whole (by encoding or their own equality) need no member list; every other type of the
        // snapshot's own assembly reached through properties must have one.
        var reached = new HashSet<Type>();
        var todo = new Queue<Type>([typeof(ConfigSnapshot)]);
        while (todo.TryDequeue(out var type))
        {
            if (!reached.Add(type) || !SnapshotEquality.Compared.ContainsKey(type))
            {
                continue;
            }

            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
            {
                foreach (var candidate in ElementTypes(property.PropertyType).Where(t => t.Assembly == typeof(ConfigSnapshot).Assembly))
                {
                    todo.Enqueue(candidate);
                }
            }
        }

        var unlisted = reached.Where(type => type.Assembly == typeof(ConfigSnapshot).Assembly && !SnapshotEquality.Compared.ContainsKey(type)
                                             && type != typeof(ProxyId) && type != typeof(UpstreamId));
        Assert.Empty(unlisted); // ProxyId and UpstreamId are records of strings, compared with their own equality
    }

    private static IEnumerable<Type> ElementTypes(Type type)
    {
        yield return type;
        foreach (var argument in type.IsGenericType ? type.GetGenericArguments() : [])
        {
            foreach (var inner in ElementTypes(argument))
            {
                yield return inner;
            }
        }
    }
}
