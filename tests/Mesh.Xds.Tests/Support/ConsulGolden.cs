using System.Runtime.CompilerServices;

namespace Mesh.Xds.Tests.Support;

/// <summary>
/// Consul's own expected Envoy output, kept in shared/reference/consul-golden beside the repository (the work tree
/// and CI's clone both have shared/ next to them). Located from this file's compile-time path, since tests may run
/// from an artifacts folder anywhere.
/// </summary>
internal static class ConsulGolden
{
    public static string Root { get; } = FindRoot();

    public static string PathOf(string relative) => Path.Combine(Root, relative);

    /// <summary>Files under <paramref name="folder"/>, relative to <see cref="Root"/>, sorted.</summary>
    public static IEnumerable<string> Files(string folder) =>
        Directory.EnumerateFiles(PathOf(folder), "*.json", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Root, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal);

    private static string FindRoot([CallerFilePath] string sourceFile = "")
    {
        // tests/Mesh.Xds.Tests/Support/ConsulGolden.cs -> repository root -> ../shared
        var repository = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(sourceFile)!, "..", "..", ".."));
        var root = Path.GetFullPath(Path.Combine(repository, "..", "shared", "reference", "consul-golden"));
        return Directory.Exists(root)
            ? root
            : throw new DirectoryNotFoundException($"Consul's golden files are expected in {root}");
    }
}
