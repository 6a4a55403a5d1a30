namespace Mesh.XdsServer.Tests.Sotw;

/// <summary>A fact that is skipped, saying why, when Node.js or npm is missing (they are present here and in CI).</summary>
public sealed class NodeInteropFactAttribute : FactAttribute
{
    private static readonly Lazy<string?> Missing = new(NodeInterop.MissingTool);

    public NodeInteropFactAttribute()
    {
        if (Missing.Value is { } missing)
        {
            Skip = $"Node.js interop needs node and npm on PATH: {missing}";
        }
    }
}
