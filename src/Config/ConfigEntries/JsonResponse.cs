using System.Text.Json;

namespace Mesh.Config.ConfigEntries;

/// <summary>Builds JSON documents assembled from several typed parts (config entries); <c>ApiResponse</c> writes them.</summary>
public static class JsonResponse
{
    /// <summary>Builds a JSON document with a writer (for shapes assembled from several typed parts).</summary>
    public static byte[] Build(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        return buffer.ToArray();
    }
}
