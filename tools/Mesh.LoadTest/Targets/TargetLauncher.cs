namespace Mesh.LoadTest.Targets;

/// <summary>Starts a target by name, with the executables given on the command line.</summary>
public sealed record TargetLauncher(string MeshBinary, string EtcdBinary)
{
    public static IReadOnlyList<string> Names { get; } = ["mesh", "etcd"];

    /// <summary><c>--mesh-bin</c>, else the mesh executable built next to this tool (it references src/Agent).</summary>
    public static string DefaultMeshBinary()
    {
        var beside = Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "mesh.exe" : "mesh");
        return File.Exists(beside) ? beside : Path.Combine(AppContext.BaseDirectory, "mesh.dll");
    }

    public async Task<ILoadTarget> StartAsync(string name, CancellationToken cancellationToken) => name switch
    {
        "mesh" => await MeshTarget.StartAsync(MeshBinary, cancellationToken).ConfigureAwait(false),
        "etcd" => await EtcdTarget.StartAsync(EtcdBinary, cancellationToken).ConfigureAwait(false),
        _ => throw new ArgumentException($"unknown target \"{name}\"; known: {string.Join(", ", Names)}"),
    };
}
