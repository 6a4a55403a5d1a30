using System.Reflection;

namespace Mesh.Ui.Tests.Browser;

/// <summary>
/// What the browser tests need: Node.js, Debian's chromium (installed by tools/run-tests.sh) and playwright-core
/// (fetched by this project's build). When one is missing the tests skip, saying which.
/// </summary>
internal static class BrowserEnvironment
{
    public static string? Node { get; } = FindOnPath("node");

    public static string? Chromium { get; } = Environment.GetEnvironmentVariable("MESH_UI_CHROMIUM") is { Length: > 0 } chosen && File.Exists(chosen)
        ? chosen
        : new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists);

    public static string PlaywrightModules { get; } = typeof(BrowserEnvironment).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .FirstOrDefault(a => a.Key == "PlaywrightModules")?.Value ?? string.Empty;

    public static string Driver => Path.Combine(AppContext.BaseDirectory, "Browser", "driver.mjs");

    public static string? SkipReason =>
        Node is null ? "Node.js (node) is not on PATH; the browser tests skip."
        : Chromium is null ? "Chromium is not installed (/usr/bin/chromium; tools/run-tests.sh installs Debian's chromium); the browser tests skip."
        : !File.Exists(Path.Combine(PlaywrightModules, "playwright-core", "package.json")) ? $"playwright-core is not installed at {PlaywrightModules} (the build fetches it with npm); the browser tests skip."
        : null;

    private static string? FindOnPath(string name)
        => (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name)).FirstOrDefault(File.Exists);
}

/// <summary>A browser test: skipped, with the reason, when Node.js, chromium or playwright-core is missing.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
internal sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute()
    {
        Skip = BrowserEnvironment.SkipReason;
    }
}
