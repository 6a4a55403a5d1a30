using Mesh.Fsm.Model;
using Mesh.Fsm.State;

namespace Mesh.Fsm;

/// <summary>
/// The rules a config-entry write must keep, checked inside the apply against the state being applied to (Consul's
/// <c>validateProposedConfigEntryInGraph</c> in its FSM), so two writes through two servers cannot together commit a
/// graph whose chains do not compile. Implementations must be deterministic: a pure function of the state and the
/// entry (no clocks, I/O or randomness), and the same on every server, because every server applies every entry.
/// </summary>
public interface IConfigEntryValidator
{
    /// <summary>Null when <paramref name="entry"/> may be written over <paramref name="state"/>; otherwise why not.</summary>
    string? CheckUpsert(StoreState state, ConfigEntry entry);

    /// <summary>Null when the entry (kind, name) may be deleted from <paramref name="state"/>; otherwise why not.</summary>
    string? CheckDelete(StoreState state, string kind, string name);
}

/// <summary>Accepts every entry: for FSMs that hold no mesh domain (unit tests of the store itself).</summary>
public sealed class AcceptAllConfigEntries : IConfigEntryValidator
{
    public static AcceptAllConfigEntries Instance { get; } = new();

    public string? CheckUpsert(StoreState state, ConfigEntry entry) => null;

    public string? CheckDelete(StoreState state, string kind, string name) => null;
}
