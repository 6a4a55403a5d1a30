using System.Text.Json;
using Mesh.Fsm.Model;

namespace Mesh.Config.ConfigEntries;

/// <summary>A stored entry in Consul's JSON shape: <c>Kind</c>, <c>Name</c>, the kind's fields, <c>CreateIndex</c>, <c>ModifyIndex</c>.</summary>
public static class ConfigEntryOutput
{
    public static byte[] One(ConfigEntry entry) => JsonResponse.Build(writer => Write(writer, entry));

    public static byte[] List(IEnumerable<ConfigEntry> entries) => JsonResponse.Build(writer =>
    {
        writer.WriteStartArray();
        foreach (var entry in entries)
        {
            Write(writer, entry);
        }

        writer.WriteEndArray();
    });

    public static void Write(Utf8JsonWriter writer, ConfigEntry entry)
    {
        writer.WriteStartObject();
        writer.WriteString("Kind", entry.Kind);
        writer.WriteString("Name", entry.Name);
        if (ConfigEntryKinds.Find(entry.Kind) is { } kind)
        {
            kind.WriteFields(writer, entry);
        }
        else
        {
            // A kind this build does not know (written by a newer server): pass its stored fields through.
            using var body = JsonDocument.Parse(entry.Body.Json);
            foreach (var property in body.RootElement.EnumerateObject())
            {
                property.WriteTo(writer);
            }
        }

        writer.WriteNumber("CreateIndex", entry.CreateIndex);
        writer.WriteNumber("ModifyIndex", entry.ModifyIndex);
        writer.WriteEndObject();
    }
}
