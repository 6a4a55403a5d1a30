using Mesh.Config.DiscoveryChain;
using Mesh.Fsm;
using Mesh.Fsm.Model;
using Mesh.Fsm.State;

namespace Mesh.Config.ConfigEntries;

/// <summary>
/// The config-entry rules the FSM enforces at apply time, on every server, against the state being applied to: the
/// kind must be registered and the body must decode as it, and no chain the write can affect may stop compiling
/// (<see cref="ConfigEntryGraph"/>). Pure: the result depends only on the state and the entry. A change to these
/// rules changes what a replayed log produces, so a stricter rule needs a new <see cref="Mesh.Fsm.Commands.LogRecord"/>
/// format (older entries keep their meaning).
/// </summary>
public sealed class ConfigEntryValidator : IConfigEntryValidator
{
    public string? CheckUpsert(StoreState state, ConfigEntry entry)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(entry);
        if (ConfigEntryKinds.Find(entry.Kind) is not { } kind)
        {
            return $"invalid config entry kind: {entry.Kind}";
        }

        return kind.CheckStored(entry) ?? Refusal(() =>
        {
            ConfigEntryGraph.EnsureValidUpsert(state, entry);
            GatewayEntryGraph.EnsureValidUpsert(state, entry);
        });
    }

    public string? CheckDelete(StoreState state, string kind, string name)
    {
        ArgumentNullException.ThrowIfNull(state);
        return ConfigEntryKinds.Find(kind) is null
            ? $"invalid config entry kind: {kind}"
            : Refusal(() =>
            {
                ConfigEntryGraph.EnsureValidDelete(state, kind, name);
                GatewayEntryGraph.EnsureValidDelete(state, kind, name);
            });
    }

    private static string? Refusal(Action check)
    {
        try
        {
            check();
            return null;
        }
        catch (InvalidConfigEntryException invalid)
        {
            return invalid.Message;
        }
#pragma warning disable CA1031 // an unexpected failure must refuse the write, not stop the apply loop; it is as deterministic as the check
        catch (Exception error)
#pragma warning restore CA1031
        {
            return $"config entry could not be validated: {error.Message}";
        }
    }
}
