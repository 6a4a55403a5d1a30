using Mesh.Api.Endpoints;
using Mesh.Api.Http;
using Mesh.Config.ConfigEntries;
using Mesh.Config.Intentions;
using Mesh.Fsm.Commands;
using Mesh.Server;
using Microsoft.AspNetCore.Http;

namespace Mesh.Api.Intentions;

/// <summary>
/// Intentions live only in service-intentions entries, so the legacy endpoints read the destination's entry, change
/// one source and write the entry back with compare-and-set on its ModifyIndex; a concurrent change to the same entry
/// makes the write lose the CAS, and it is redone on the new version.
/// </summary>
public static class IntentionWriter
{
    private const int MaxAttempts = 20;

    /// <summary>
    /// Applies <paramref name="change"/> to the destination's entry (null when there is none). The change returns
    /// the new entry, null to delete the entry, or the same instance to leave it alone.
    /// </summary>
    /// <exception cref="InvalidConfigEntryException">The changed entry fails validation.</exception>
    public static async Task ChangeAsync(
        HttpContext context, ServerRuntime server, string destination, Func<ServiceIntentionsEntry?, ServiceIntentionsEntry?> change)
    {
        var kind = ConfigEntryKinds.ServiceIntentions;
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            // Read what the leader has committed, so a follower does not lose the CAS on a stale read every time.
            await BlockingQuery.ReadBarrierAsync(server, ConsistencyMode.Default, context.RequestAborted).ConfigureAwait(false);
            var existing = server.Fsm.Current.FindConfigEntry(kind.Kind, destination);
            var current = existing is null ? null : kind.Read(existing) with { Name = destination };
            var next = change(current);
            if (ReferenceEquals(next, current))
            {
                return;
            }

            Command command = next is null
                ? new DeleteConfigEntryCommand { Kind = kind.Kind, Name = destination, CasIndex = existing!.ModifyIndex }
                : new UpsertConfigEntryCommand { Entry = kind.Encode(next with { Name = destination }, legacyWrite: true).ToEntry(), CasIndex = existing?.ModifyIndex ?? 0 };
            var result = await server.Commands.SubmitAsync(command, Writes.AuthorizeCommand(context, server, command), context.RequestAborted).ConfigureAwait(false);
            switch (result.ErrorKind)
            {
                case ApplyErrorKind.None:
                    return;
                case ApplyErrorKind.CasConflict:
                    continue;
                case ApplyErrorKind.PermissionDenied:
                    throw ApiException.Forbidden(result.Error ?? "Permission denied");
                default:
                    throw ApiException.BadRequest(result.Error ?? "intention write refused");
            }
        }

        throw new ApiException(StatusCodes.Status409Conflict, $"Intentions for \"{destination}\" kept changing concurrently; try again");
    }

    /// <summary>Puts <paramref name="source"/> into the entry, replacing a source with the same name and peer.</summary>
    public static ServiceIntentionsEntry Upsert(ServiceIntentionsEntry? current, string destination, SourceIntention source)
    {
        var sources = (current?.Sources ?? []).ToList();
        var index = sources.FindIndex(s => SameSource(s, source.Name!, source.Peer));
        if (index >= 0)
        {
            // A replaced source keeps the ID (and legacy meta) it was created with unless the write brings its own.
            var old = sources[index];
            sources[index] = source with
            {
                LegacyId = source.LegacyId ?? old.LegacyId,
                LegacyMeta = source.LegacyMeta ?? old.LegacyMeta,
                LegacyCreateTime = source.LegacyCreateTime ?? old.LegacyCreateTime,
            };
        }
        else
        {
            sources.Add(source);
        }

        return (current ?? new ServiceIntentionsEntry { Name = destination }) with { Sources = sources };
    }

    /// <summary>Removes a source; the entry goes when its last source does, as in Consul.</summary>
    public static ServiceIntentionsEntry? Remove(ServiceIntentionsEntry? current, string sourceName, string? sourcePeer)
    {
        if (current?.Sources is not { } sources || !sources.Any(s => SameSource(s, sourceName, sourcePeer)))
        {
            return current;
        }

        var remaining = sources.Where(s => !SameSource(s, sourceName, sourcePeer)).ToList();
        return remaining.Count == 0 ? null : current with { Sources = remaining };
    }

    private static bool SameSource(SourceIntention source, string name, string? peer)
        => source.Name == name && (source.Peer ?? string.Empty) == (peer ?? string.Empty);
}
