namespace Mesh.Api.Tests.Support;

/// <summary>Names no other test uses, so tests can share one server.</summary>
public static class Unique
{
    public static string Name(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";
}
