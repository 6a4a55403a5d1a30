using Mesh.Config.ConfigEntries;

namespace Mesh.Config.DiscoveryChain;

/// <summary>
/// Structural equality for config entry fragments embedded in a compiled chain (route and split definitions, load
/// balancers): those records hold lists and maps, whose record equality is by reference.
/// </summary>
internal static class JsonEquality
{
    public static bool Same<T>(T? left, T? right)
        where T : class
    {
        if (ReferenceEquals(left, right))
        {
            return true;
        }

        if (left is null || right is null)
        {
            return false;
        }

        return ConfigEntryJson.Canonical(left).Equals(ConfigEntryJson.Canonical(right));
    }
}
