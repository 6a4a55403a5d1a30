using System.Runtime.CompilerServices;

namespace Mesh.Tests.Shared;

/// <summary>
/// Where Consul's own expected output lives: shared/reference/consul-golden beside the repository. CI and the work
/// tree have it; a plain clone does not, and then the tests that compare against it are skipped with this reason
/// instead of failing. Compiled into each test project that needs it (linked, not referenced).
/// </summary>
internal static class ConsulGoldenFiles
{
    public static string Root { get; } = FindRoot();

    public static bool Available => Directory.Exists(Root);

    public static string? SkipReason => Available
        ? null
        : $"Consul's golden files are not present at {Root} (shared/reference/consul-golden beside the repository); skipped.";

    private static string FindRoot([CallerFilePath] string sourceFile = "")
        => Path.GetFullPath(Path.Combine(Path.GetDirectoryName(sourceFile)!, "..", "..", "..", "shared", "reference", "consul-golden"));
}

/// <summary>A fact that compares against Consul's golden files: skipped, saying why, when they are absent.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
internal sealed class ConsulGoldenFactAttribute : FactAttribute
{
    public ConsulGoldenFactAttribute()
    {
        Skip = ConsulGoldenFiles.SkipReason;
    }
}

/// <summary>A theory over Consul's golden files: skipped (its data not even enumerated) when they are absent.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
internal sealed class ConsulGoldenTheoryAttribute : TheoryAttribute
{
    public ConsulGoldenTheoryAttribute()
    {
        Skip = ConsulGoldenFiles.SkipReason;
    }
}
