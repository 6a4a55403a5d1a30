using System.Collections.Frozen;
using System.Reflection;
using System.Security.Cryptography;
using Microsoft.AspNetCore.StaticFiles;

namespace Mesh.Ui;

/// <summary>One embedded file of the UI with what a response needs: its bytes, content type and entity tag.</summary>
public sealed record UiAsset(string Path, byte[] Content, string ContentType, string ETag);

/// <summary>
/// The UI's files, read once from this assembly's embedded resources (names "ui/&lt;path&gt;"), by their path below
/// the UI's root ("index.html", "js/app.js"). Each server builds its own; nothing is cached process-wide.
/// </summary>
public sealed class UiAssets
{
    private const string Prefix = "ui/";
    private readonly FrozenDictionary<string, UiAsset> _files;

    private UiAssets(FrozenDictionary<string, UiAsset> files) => _files = files;

    public IEnumerable<string> Paths => _files.Keys;

    public static UiAssets Load()
    {
        var assembly = typeof(UiAssets).Assembly;
        var types = new FileExtensionContentTypeProvider();
        types.Mappings[".mjs"] = "text/javascript";
        types.Mappings[".js"] = "text/javascript";
        var files = new Dictionary<string, UiAsset>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            var path = name[Prefix.Length..].Replace('\\', '/');
            var content = Read(assembly, name);
            var type = types.TryGetContentType(path, out var known) ? known : "application/octet-stream";
            if (type.StartsWith("text/", StringComparison.Ordinal) || type is "application/json" or "image/svg+xml")
            {
                type += "; charset=utf-8";
            }

            files[path] = new UiAsset(path, content, type, "\"" + Convert.ToHexStringLower(SHA256.HashData(content))[..20] + "\"");
        }

        return new UiAssets(files.ToFrozenDictionary(StringComparer.Ordinal));
    }

    /// <summary>The file at this path below the UI's root; the empty path is index.html.</summary>
    public UiAsset? Find(string path) => _files.GetValueOrDefault(path.Length == 0 ? "index.html" : path);

    private static byte[] Read(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name) ?? throw new InvalidOperationException($"missing embedded UI file {name}");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
