namespace Mesh.Config.ConfigEntries;

/// <summary>Consul's limits on config entry (and intention) metadata.</summary>
internal static class ConfigMeta
{
    public const int MaxPairs = 64;
    public const int MaxKeyLength = 128;
    public const int MaxValueLength = 512;

    public static void Validate(IReadOnlyDictionary<string, string>? meta, string field = "Meta")
    {
        if (meta is null)
        {
            return;
        }

        if (meta.Count > MaxPairs)
        {
            throw new InvalidConfigEntryException($"{field} exceeds maximum element count {MaxPairs}");
        }

        foreach (var (key, value) in meta)
        {
            if (key.Length > MaxKeyLength)
            {
                throw new InvalidConfigEntryException($"{field} key \"{key}\" exceeds maximum length {MaxKeyLength}");
            }

            if ((value ?? string.Empty).Length > MaxValueLength)
            {
                throw new InvalidConfigEntryException($"{field} value for key \"{key}\" exceeds maximum length {MaxValueLength}");
            }
        }
    }

    /// <summary>Sorted, so the canonical body does not depend on the order keys arrived in.</summary>
    public static SortedDictionary<string, string>? Sorted(IDictionary<string, string>? meta)
        => meta is null ? null : new SortedDictionary<string, string>(meta, StringComparer.Ordinal);
}
