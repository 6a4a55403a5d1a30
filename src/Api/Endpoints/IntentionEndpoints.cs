using Mesh.Api.Filtering;
using Mesh.Api.Http;
using Mesh.Api.Intentions;
using Mesh.Config.Access;
using Mesh.Config.ConfigEntries;
using Mesh.Config.Filtering;
using Mesh.Config.Intentions;
using Mesh.Fsm.State;
using Mesh.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Mesh.Api.Endpoints;

/// <summary>
/// <c>/v1/connect/intentions/*</c>: Consul's intention API over service-intentions config entries (the only place
/// intentions are stored). Writes are read-modify-write of the destination's entry with compare-and-set.
/// </summary>
public static class IntentionEndpoints
{
    private static readonly string[] IntentionKeys = [WatchKeys.ConfigKind(IntentionCatalog.Kind)];

    public static void Map(IEndpointRouteBuilder app, ServerRuntime server)
    {
        app.MapGet("/v1/connect/intentions", context => ListAsync(context, server));
        app.MapGet("/v1/connect/intentions/exact", context => GetExactAsync(context, server));
        app.MapPut("/v1/connect/intentions/exact", context => PutExactAsync(context, server));
        app.MapDelete("/v1/connect/intentions/exact", context => DeleteExactAsync(context, server));
        app.MapGet("/v1/connect/intentions/match", context => MatchAsync(context, server));
        app.MapGet("/v1/connect/intentions/check", context => CheckAsync(context, server));
    }

    private static async Task ListAsync(HttpContext context, ServerRuntime server)
    {
        var (options, filter) = Writes.FilteredReadOptions(context, server);
        var acl = AclReadFilter.For(context, server);

        // Intentions the token may not read are left out, as Consul filters the list.
        var (all, index) = await new BlockingQuery(server, IntentionKeys).RunAsync(context, options, state => filter.Where(
            IntentionCatalog.All(state)
                .Where(intention => acl.Intention(intention.DestinationName))
                .ToList(),
            IntentionJson.Info<List<IntentionView>>()).ToList()).ConfigureAwait(false);
        BlockingQuery.WriteMeta(context, server, options, index);
        await ApiResponse.WriteJsonAsync(context, all, IntentionJson.Info<List<IntentionView>>()).ConfigureAwait(false);
    }

    private static async Task GetExactAsync(HttpContext context, ServerRuntime server)
    {
        var options = Writes.ReadOptions(context, server);
        var source = Target(context, "source", allowPeer: true);
        var destination = Target(context, "destination", allowPeer: false);
        Writes.Authorize(context, server, AclResource.Intention, destination.Name, AclAccess.Read);
        var (intention, index) = await new BlockingQuery(server, IntentionKeys).RunAsync(
            context, options, state => IntentionCatalog.Exact(state, source.Name, source.Peer, destination.Name)).ConfigureAwait(false);
        BlockingQuery.WriteMeta(context, server, options, index);
        if (intention is null)
        {
            await ApiResponse.WriteTextAsync(context, StatusCodes.Status404NotFound, "Intention not found").ConfigureAwait(false);
            return;
        }

        await ApiResponse.WriteJsonAsync(context, intention, IntentionJson.Info<IntentionView>()).ConfigureAwait(false);
    }

    private static async Task PutExactAsync(HttpContext context, ServerRuntime server)
    {
        var source = Target(context, "source", allowPeer: false);
        var destination = Target(context, "destination", allowPeer: false);
        Writes.Authorize(context, server, AclResource.Intention, destination.Name, AclAccess.Write);
        var body = await RequestBody.ReadJsonAsync(context, IntentionJson.Info<IntentionPutBody>()).ConfigureAwait(false);
        var written = new SourceIntention
        {
            Name = source.Name,
            Action = body.Action?.ToLowerInvariant(),
            Permissions = body.Permissions,
            Type = body.SourceType,
            Description = body.Description,
        };
        await ChangeAsync(context, server, destination.Name, current =>
        {
            CheckMeta(current, body.Meta);
            return IntentionWriter.Upsert(current, destination.Name, written);
        }).ConfigureAwait(false);
        await ApiResponse.WriteTrueAsync(context).ConfigureAwait(false);
    }

    private static async Task DeleteExactAsync(HttpContext context, ServerRuntime server)
    {
        var source = Target(context, "source", allowPeer: false);
        var destination = Target(context, "destination", allowPeer: false);
        Writes.Authorize(context, server, AclResource.Intention, destination.Name, AclAccess.Write);
        await ChangeAsync(context, server, destination.Name, current => IntentionWriter.Remove(current, source.Name, source.Peer)).ConfigureAwait(false);
        await ApiResponse.WriteTrueAsync(context).ConfigureAwait(false);
    }

    private static async Task MatchAsync(HttpContext context, ServerRuntime server)
    {
        var options = Writes.ReadOptions(context, server);
        var query = context.Request.Query;
        if (!query.TryGetValue("by", out var by) || by.Count != 1)
        {
            throw ApiException.BadRequest("required query parameter 'by' not set");
        }

        var bySource = by.ToString() switch
        {
            "source" => true,
            "destination" => false,
            _ => throw ApiException.BadRequest("'by' parameter must be one of 'source' or 'destination'"),
        };
        var names = query["name"].Where(n => n is not null).Select(n => n!).ToList();
        if (names.Count == 0)
        {
            throw ApiException.BadRequest("required query parameter 'name' not set");
        }

        var targets = names.Select(name => (Raw: name, Target: Parse(name, "name", allowPeer: false))).ToList();
        foreach (var (_, target) in targets)
        {
            Writes.Authorize(context, server, AclResource.Intention, target.Name, AclAccess.Read);
        }

        var (matches, index) = await new BlockingQuery(server, IntentionKeys).RunAsync(context, options, state =>
        {
            var result = new SortedDictionary<string, List<IntentionView>>(StringComparer.Ordinal);
            foreach (var (raw, target) in targets)
            {
                result[raw] = bySource ? IntentionCatalog.MatchSource(state, target.Name) : IntentionCatalog.MatchDestination(state, target.Name);
            }

            return result;
        }).ConfigureAwait(false);
        BlockingQuery.WriteMeta(context, server, options, index);
        await ApiResponse.WriteJsonAsync(context, matches, IntentionJson.Info<SortedDictionary<string, List<IntentionView>>>()).ConfigureAwait(false);
    }

    private static async Task CheckAsync(HttpContext context, ServerRuntime server)
    {
        var options = Writes.ReadOptions(context, server);
        if (context.Request.Query.TryGetValue("source-type", out var sourceType) && sourceType.ToString() is { Length: > 0 } type && type != "consul")
        {
            throw ApiException.BadRequest($"unsupported SourceType: \"{type}\"");
        }

        var source = Target(context, "source", allowPeer: false);
        var destination = Target(context, "destination", allowPeer: false);
        Writes.Authorize(context, server, AclResource.Service, destination.Name, AclAccess.Read);
        await BlockingQuery.ReadBarrierAsync(server, options.Consistency, context.RequestAborted).ConfigureAwait(false);
        var decision = IntentionDecision.Decide(server.Fsm.Current, source.Name, destination.Name, server.Self.DefaultIntentionPolicy);
        await ApiResponse.WriteJsonAsync(context, new IntentionCheckResult(decision.Allowed), IntentionJson.Info<IntentionCheckResult>()).ConfigureAwait(false);
    }

    private static async Task ChangeAsync(
        HttpContext context, ServerRuntime server, string destination, Func<ServiceIntentionsEntry?, ServiceIntentionsEntry?> change)
    {
        try
        {
            await IntentionWriter.ChangeAsync(context, server, destination, change).ConfigureAwait(false);
        }
        catch (InvalidConfigEntryException invalid)
        {
            throw ApiException.BadRequest(invalid.Message);
        }
    }

    /// <summary>Meta belongs to the whole entry: it may only be sent back unchanged (Consul's rule for upserts).</summary>
    private static void CheckMeta(ServiceIntentionsEntry? current, Dictionary<string, string>? meta)
    {
        if (meta is not { Count: > 0 })
        {
            return;
        }

        if (current is null)
        {
            throw new InvalidConfigEntryException("Meta must not be specified");
        }

        var existing = current.Meta ?? [];
        if (existing.Count != meta.Count || meta.Any(pair => !existing.TryGetValue(pair.Key, out var value) || value != pair.Value))
        {
            throw new InvalidConfigEntryException("Meta must not be specified, or should be unchanged during an update.");
        }
    }

    private static IntentionTarget Target(HttpContext context, string parameter, bool allowPeer)
    {
        var values = context.Request.Query[parameter];
        if (values.Count != 1 || string.IsNullOrEmpty(values[0]))
        {
            throw ApiException.BadRequest($"required query parameter '{parameter}' not set");
        }

        return Parse(values[0]!, parameter, allowPeer);
    }

    private static IntentionTarget Parse(string value, string parameter, bool allowPeer)
    {
        try
        {
            return IntentionTarget.Parse(value, allowPeer);
        }
        catch (ArgumentException invalid)
        {
            throw ApiException.BadRequest($"{parameter} \"{value}\" is invalid: {invalid.Message}");
        }
    }
}
