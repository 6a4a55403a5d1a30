using System.Text.Json;
using System.Text.Json.Nodes;
using Mesh.Config.Access;
using Mesh.Fsm.Model;

namespace Mesh.Config.ConfigEntries;

/// <summary>
/// One config entry kind: how its JSON is decoded, normalized and validated into the canonical body the FSM stores,
/// and how a stored entry is written back out in Consul's shape. Register implementations in <see cref="ConfigEntryKinds"/>.
/// </summary>
public interface IConfigEntryKind
{
    /// <summary>The <c>Kind</c> value, e.g. <c>service-defaults</c>.</summary>
    string Kind { get; }

    /// <summary>The ACL resource a write (and, unless <see cref="OpenRead"/>, a read) of an entry of this kind needs.</summary>
    AclResource Resource { get; }

    /// <summary>The ACL resource a read needs (on the entry's name for service); the gateway kinds read as service:read but write as mesh:write.</summary>
    AclResource ReadResource { get; }

    /// <summary>Entries of this kind are readable by anyone (proxy-defaults, mesh), as in Consul.</summary>
    bool OpenRead { get; }

    /// <summary>Decodes a request document (snake_case already mapped), normalizes and validates it.</summary>
    /// <exception cref="InvalidConfigEntryException">Unknown or mistyped fields, or a validation failure.</exception>
    ParsedConfigEntry Parse(JsonObject document);

    /// <summary>Whether a stored body decodes as this kind; null if it does, otherwise why not.</summary>
    string? CheckStored(ConfigEntry entry);

    /// <summary>Writes the entry's own fields (between <c>Kind</c>/<c>Name</c> and the indexes) in Consul's order.</summary>
    void WriteFields(Utf8JsonWriter writer, ConfigEntry entry);
}

/// <summary>A validated entry ready for the FSM: its name and its canonical body.</summary>
public sealed record ParsedConfigEntry(string Kind, string Name, JsonBlob Body)
{
    public ConfigEntry ToEntry() => new() { Kind = Kind, Name = Name, Body = Body };
}
