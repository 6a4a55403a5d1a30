using System.Runtime.CompilerServices;

namespace Mesh.EnvoyResources.Tests.Support;

/// <summary>
/// Where this project's data lives in the source tree (test data, our golden files) and Consul's reference output
/// beside the repository (shared/reference/consul-golden); found from this file's compile-time path, since tests run
/// from an artifacts folder anywhere.
/// </summary>
internal static class TestPaths
{
    public static string Project { get; } = FindProject();

    public static string TestData(string file) => Path.Combine(Project, "TestData", file);

    public static string Golden(string scenario, string file) => Path.Combine(Project, "golden", scenario, file);

    /// <summary>MESH_UPDATE_GOLDEN=1 rewrites our golden files instead of comparing (as EnvoyBootstrapTests does).</summary>
    public static bool UpdateGolden => Environment.GetEnvironmentVariable("MESH_UPDATE_GOLDEN") == "1";

    public static string ConsulGolden(string relative)
    {
        var root = Path.GetFullPath(Path.Combine(Project, "..", "..", "..", "shared", "reference", "consul-golden"));
        return Directory.Exists(root)
            ? Path.Combine(root, relative)
            : throw new DirectoryNotFoundException($"Consul's golden files are expected in {root}");
    }

    private static string FindProject([CallerFilePath] string sourceFile = "")
        => Path.GetFullPath(Path.Combine(Path.GetDirectoryName(sourceFile)!, ".."));
}
