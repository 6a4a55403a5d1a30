namespace Mesh.LoadTest.Targets;

/// <summary>Starts a target by name, with the executables given on the command line.</summary>
/// <param name="MeshArguments">Extra <c>mesh agent</c> flags (<c>--mesh-args</c>, space-separated), for A/B runs of one setting.</param>
public sealed record TargetLauncher(string MeshBinary, string EtcdBinary, IReadOnlyList<string>? MeshArguments = null)
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
        "mesh" => await MeshTarget.StartAsync(MeshBinary, cancellationToken, MeshArguments).ConfigureAwait(false),
        "etcd" => await EtcdTarget.StartAsync(EtcdBinary, cancellationToken).ConfigureAwait(false),
        _ => throw new ArgumentException($"unknown target \"{name}\"; known: {string.Join(", ", Names)}"),
    };
}
