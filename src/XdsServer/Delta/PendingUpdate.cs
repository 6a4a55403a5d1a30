namespace Mesh.XdsServer.Delta;

/// <summary>What one sent-but-unacknowledged response did to one resource: sent this version, or removed it.</summary>
internal readonly record struct PendingUpdate(bool Remove, string Version)
{
    public static PendingUpdate Removal { get; } = new(true, string.Empty);

    public static PendingUpdate Upsert(string version) => new(false, version);
}
