using System.Text.Json;
using System.Text.Json.Nodes;
using Mesh.Config.Access;
using Mesh.Fsm.Model;

namespace Mesh.Config.ConfigEntries;

/// <summary>
/// A typed document with the envelope every kind accepts on input: <c>Kind</c>, <c>Name</c> and the indexes a
/// <c>config read</c> prints (so its output can be written back). The envelope is not part of the stored body.
/// </summary>
public interface IConfigEntryDocument
{
    string? Kind { get; }

    string? Name { get; }
}

/// <summary>
/// The common pipeline of a kind: decode (unknown keys rejected) → normalize → validate → canonical body; and back:
/// stored body → typed → Consul's JSON. A kind supplies its record type and the three steps.
/// </summary>
public abstract class ConfigEntryKind<TEntry> : IConfigEntryKind
    where TEntry : class, IConfigEntryDocument
{
    public abstract string Kind { get; }

    public abstract AclResource Resource { get; }

    public virtual AclResource ReadResource => Resource;

    public virtual bool OpenRead => false;

    public ParsedConfigEntry Parse(JsonObject document) => Encode(ConfigEntryJson.Decode<TEntry>(document));

    /// <summary>Normalizes, validates and serializes a typed entry (also used by read-modify-write paths).</summary>
    public ParsedConfigEntry Encode(TEntry entry) => Encode(entry, legacyWrite: false);

    /// <summary>
    /// As <see cref="Encode(TEntry)"/>; a legacy write (the intention endpoints' read-modify-write) keeps the fields
    /// only those endpoints manage, as Consul's <c>normalize(legacyWrite)</c>.
    /// </summary>
    public ParsedConfigEntry Encode(TEntry entry, bool legacyWrite)
    {
        var normalized = Normalize(entry, legacyWrite);
        Validate(normalized, legacyWrite);
        var finished = Finish(normalized);
        return new ParsedConfigEntry(Kind, NameOf(finished), ConfigEntryJson.Canonical(WithoutEnvelope(finished)));
    }

    /// <summary>The typed form of a stored entry (without its envelope).</summary>
    public TEntry Read(ConfigEntry entry) => ConfigEntryJson.Read<TEntry>(entry.Body);

    public string? CheckStored(ConfigEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        try
        {
            _ = Read(entry);
            return null;
        }
        catch (Exception error) when (error is JsonException or InvalidOperationException or InvalidConfigEntryException)
        {
            return $"config entry {Kind}/{entry.Name} does not decode as {Kind}: {error.Message}";
        }
    }

    public void WriteFields(Utf8JsonWriter writer, ConfigEntry entry) => ConfigEntryJson.WriteProperties(writer, WithoutEnvelope(Read(entry)));

    /// <summary>Fills defaults and lower-cases enumerations, as Consul's <c>Normalize()</c>.</summary>
    protected abstract TEntry Normalize(TEntry entry);

    /// <summary>Normalizes for a legacy or a regular write; kinds without legacy fields ignore the difference.</summary>
    protected virtual TEntry Normalize(TEntry entry, bool legacyWrite) => Normalize(entry);

    /// <summary>Validates for a legacy or a regular write; kinds without legacy fields ignore the difference.</summary>
    protected virtual void Validate(TEntry entry, bool legacyWrite) => Validate(entry);

    /// <summary>Throws <see cref="InvalidConfigEntryException"/> naming the offending field, as Consul's <c>Validate()</c>.</summary>
    protected abstract void Validate(TEntry entry);

    /// <summary>A last step after validation (ordering, say), so validation messages refer to the input's positions.</summary>
    protected virtual TEntry Finish(TEntry entry) => entry;

    /// <summary>The entry with <c>Kind</c>, <c>Name</c> and the indexes cleared, so they are not serialized.</summary>
    protected abstract TEntry WithoutEnvelope(TEntry entry);

    protected virtual string NameOf(TEntry entry) => entry.Name ?? string.Empty;

    protected static InvalidConfigEntryException Fail(string message) => new(message);
}
