using MessagePack;

namespace Mesh.Fsm.State;

/// <summary>
/// Keys of the catalog tables. Node names are case-insensitive in Consul, so node parts are lower-cased;
/// service and check IDs are compared exactly.
/// </summary>
public static class NameKey
{
    public static string Of(string name) => name.ToLowerInvariant();
}

/// <summary>Primary key of the services table: (node, service ID).</summary>
[MessagePackObject]
public readonly record struct ServiceKey([property: Key(0)] string Node, [property: Key(1)] string ServiceId) : IComparable<ServiceKey>
{
    public static bool operator <(ServiceKey left, ServiceKey right) => left.CompareTo(right) < 0;

    public static bool operator <=(ServiceKey left, ServiceKey right) => left.CompareTo(right) <= 0;

    public static bool operator >(ServiceKey left, ServiceKey right) => left.CompareTo(right) > 0;

    public static bool operator >=(ServiceKey left, ServiceKey right) => left.CompareTo(right) >= 0;

    public static ServiceKey For(string node, string serviceId) => new(NameKey.Of(node), serviceId);

    public int CompareTo(ServiceKey other)
    {
        var byNode = string.CompareOrdinal(Node, other.Node);
        return byNode != 0 ? byNode : string.CompareOrdinal(ServiceId, other.ServiceId);
    }
}

/// <summary>Primary key of the checks table: (node, check ID).</summary>
[MessagePackObject]
public readonly record struct CheckKey([property: Key(0)] string Node, [property: Key(1)] string CheckId) : IComparable<CheckKey>
{
    public static bool operator <(CheckKey left, CheckKey right) => left.CompareTo(right) < 0;

    public static bool operator <=(CheckKey left, CheckKey right) => left.CompareTo(right) <= 0;

    public static bool operator >(CheckKey left, CheckKey right) => left.CompareTo(right) > 0;

    public static bool operator >=(CheckKey left, CheckKey right) => left.CompareTo(right) >= 0;

    public static CheckKey For(string node, string checkId) => new(NameKey.Of(node), checkId);

    public int CompareTo(CheckKey other)
    {
        var byNode = string.CompareOrdinal(Node, other.Node);
        return byNode != 0 ? byNode : string.CompareOrdinal(CheckId, other.CheckId);
    }
}

/// <summary>Primary key of the config entries table: (kind, name).</summary>
[MessagePackObject]
public readonly record struct ConfigEntryKey([property: Key(0)] string Kind, [property: Key(1)] string Name) : IComparable<ConfigEntryKey>
{
    public static bool operator <(ConfigEntryKey left, ConfigEntryKey right) => left.CompareTo(right) < 0;

    public static bool operator <=(ConfigEntryKey left, ConfigEntryKey right) => left.CompareTo(right) <= 0;

    public static bool operator >(ConfigEntryKey left, ConfigEntryKey right) => left.CompareTo(right) > 0;

    public static bool operator >=(ConfigEntryKey left, ConfigEntryKey right) => left.CompareTo(right) >= 0;

    public int CompareTo(ConfigEntryKey other)
    {
        var byKind = string.CompareOrdinal(Kind, other.Kind);
        return byKind != 0 ? byKind : string.CompareOrdinal(Name, other.Name);
    }
}
