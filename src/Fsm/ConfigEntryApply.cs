using Mesh.Fsm.Commands;
using Mesh.Fsm.State;

namespace Mesh.Fsm;

/// <summary>
/// Config entry commands, with Consul's compare-and-set rules (<c>?cas=</c>) and the validator's rules checked against
/// the state being applied to (the authority: the early check on the server that took the request may have read an
/// older state).
/// </summary>
internal static class ConfigEntryApply
{
    public static ApplyResult Upsert(StoreTransaction tx, UpsertConfigEntryCommand command, IConfigEntryValidator validator)
    {
        var entry = command.Entry;
        if (entry.Kind.Length == 0 || entry.Name.Length == 0)
        {
            return new ApplyResult(tx.Index, "config entry needs a Kind and a Name", ApplyErrorKind.Invalid);
        }

        if (command.CasIndex is { } cas && (tx.State.FindConfigEntry(entry.Kind, entry.Name)?.ModifyIndex ?? 0) != cas)
        {
            return new ApplyResult(tx.Index, $"config entry {entry.Kind}/{entry.Name} changed since index {cas}", ApplyErrorKind.CasConflict);
        }

        if (validator.CheckUpsert(tx.State, entry) is { } refused)
        {
            return new ApplyResult(tx.Index, refused, ApplyErrorKind.Invalid);
        }

        tx.UpsertConfigEntry(entry);
        return new ApplyResult(tx.Index);
    }

    public static ApplyResult Delete(StoreTransaction tx, DeleteConfigEntryCommand command, IConfigEntryValidator validator)
    {
        if (command.CasIndex is { } cas && (tx.State.FindConfigEntry(command.Kind, command.Name)?.ModifyIndex ?? 0) != cas)
        {
            return new ApplyResult(tx.Index, $"config entry {command.Kind}/{command.Name} changed since index {cas}", ApplyErrorKind.CasConflict);
        }

        if (validator.CheckDelete(tx.State, command.Kind, command.Name) is { } refused)
        {
            return new ApplyResult(tx.Index, refused, ApplyErrorKind.Invalid);
        }

        tx.DeleteConfigEntry(command.Kind, command.Name);
        return new ApplyResult(tx.Index);
    }
}
