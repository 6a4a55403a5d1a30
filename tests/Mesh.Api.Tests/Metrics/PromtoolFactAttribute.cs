namespace Mesh.Api.Tests.Metrics;

/// <summary>A fact that is skipped (with the reason) when <c>promtool</c> (Debian package <c>prometheus</c>) is not on the PATH.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PromtoolFactAttribute : FactAttribute
{
    public PromtoolFactAttribute()
    {
        if (Promtool.Path is null)
        {
            Skip = "promtool is not installed (apt-get install prometheus; tools/run-tests.sh installs it when run as root)";
        }
    }
}

/// <summary>Finds <c>promtool</c> on the PATH.</summary>
public static class Promtool
{
    public static string? Path { get; } = Find();

    private static string? Find()
        => (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => System.IO.Path.Combine(folder, "promtool"))
            .FirstOrDefault(File.Exists);
}
