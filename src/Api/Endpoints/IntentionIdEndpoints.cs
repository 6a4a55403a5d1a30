using Mesh.Api.Http;
using Mesh.Api.Intentions;
using Mesh.Config.Access;
using Mesh.Config.ConfigEntries;
using Mesh.Config.Intentions;
using Mesh.Fsm.State;
using Mesh.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Mesh.Api.Endpoints;

/// <summary>
/// The legacy intention-by-ID API Consul still serves: <c>POST /v1/connect/intentions</c> and <c>GET|PUT|DELETE
/// /v1/connect/intentions/:id</c>, mapped onto service-intentions entries as Consul maps them: the intention is a
/// source of its destination's entry, and a created one carries its ID (and meta, times) in the source's legacy
/// fields. The ID is a random UUID chosen by the server handling the request before the command is proposed, so
/// every server applies the same value (nothing random happens in the FSM). Intentions written as config entries
/// have the ID derived from their source and destination.
/// </summary>
public static class IntentionIdEndpoints
{
    private static readonly string[] IntentionKeys = [WatchKeys.ConfigKind(IntentionCatalog.Kind)];

    public static void Map(IEndpointRouteBuilder app, ServerRuntime server)
    {
        app.MapPost("/v1/connect/intentions", context => CreateAsync(context, server));
        app.MapGet("/v1/connect/intentions/{id}", context => GetAsync(context, server));
        app.MapPut("/v1/connect/intentions/{id}", context => UpdateAsync(context, server));
        app.MapDelete("/v1/connect/intentions/{id}", context => DeleteAsync(context, server));
    }

    private static async Task CreateAsync(HttpContext context, ServerRuntime server)
    {
        var body = await RequestBody.ReadJsonAsync(context, IntentionJson.Info<IntentionBody>()).ConfigureAwait(false);
        var (source, destination) = Names(body);
        Writes.Authorize(context, server, AclResource.Intention, destination, AclAccess.Write);
        if (!string.IsNullOrEmpty(body.Id))
        {
            throw ApiException.BadRequest("ID must be empty when creating a new intention");
        }

        var id = Guid.NewGuid().ToString();
        var now = server.Clock.GetUtcNow();
        var written = Source(body, source, id) with { LegacyCreateTime = now, LegacyUpdateTime = now };
        await ChangeAsync(context, server, destination, current =>
        {
            if (current?.Sources?.FirstOrDefault(s => s.Name == source && string.IsNullOrEmpty(s.Peer)) is { } duplicate)
            {
                throw new ApiException(StatusCodes.Status409Conflict, $"duplicate intention found: {source} => {destination} ({duplicate.Action ?? "L7"})");
            }

            return IntentionWriter.Upsert(current, destination, written);
        }).ConfigureAwait(false);
        await ApiResponse.WriteJsonAsync(context, new IntentionIdResult(id), IntentionJson.Info<IntentionIdResult>()).ConfigureAwait(false);
    }

    private static async Task GetAsync(HttpContext context, ServerRuntime server)
    {
        var options = Writes.ReadOptions(context, server);
        var id = Writes.Route(context, "id");
        var (intention, index) = await new BlockingQuery(server, IntentionKeys).RunAsync(context, options, state => IntentionCatalog.ById(state, id)).ConfigureAwait(false);
        if (intention is null)
        {
            BlockingQuery.WriteMeta(context, server, options, index);
            await ApiResponse.WriteTextAsync(context, StatusCodes.Status404NotFound, "Intention not found").ConfigureAwait(false);
            return;
        }

        Writes.Authorize(context, server, AclResource.Intention, intention.DestinationName, AclAccess.Read);
        BlockingQuery.WriteMeta(context, server, options, index);
        await ApiResponse.WriteJsonAsync(context, intention, IntentionJson.Info<IntentionView>()).ConfigureAwait(false);
    }

    private static async Task UpdateAsync(HttpContext context, ServerRuntime server)
    {
        var id = Writes.Route(context, "id");
        var body = await RequestBody.ReadJsonAsync(context, IntentionJson.Info<IntentionBody>()).ConfigureAwait(false);
        var (source, destination) = Names(body);
        if (!string.IsNullOrEmpty(body.Id) && !string.Equals(body.Id, id, StringComparison.OrdinalIgnoreCase))
        {
            throw ApiException.BadRequest($"ID in the body (\"{body.Id}\") does not match the path (\"{id}\")");
        }

        await BlockingQuery.ReadBarrierAsync(server, ConsistencyMode.Default, context.RequestAborted).ConfigureAwait(false);
        var existing = IntentionCatalog.ById(server.Fsm.Current, id)
            ?? throw ApiException.NotFound($"Cannot modify non-existent intention: '{id}'");
        Writes.Authorize(context, server, AclResource.Intention, existing.DestinationName, AclAccess.Write);
        Writes.Authorize(context, server, AclResource.Intention, destination, AclAccess.Write);

        // The intention keeps its ID wherever it goes; a move takes it out of its old destination's entry first.
        var moved = existing.DestinationName != destination || existing.SourceName != source || !string.IsNullOrEmpty(existing.SourcePeer);
        if (moved)
        {
            await ChangeAsync(context, server, existing.DestinationName, current => IntentionWriter.Remove(current, existing.SourceName, existing.SourcePeer)).ConfigureAwait(false);
        }

        var written = Source(body, source, existing.Id!) with { LegacyUpdateTime = server.Clock.GetUtcNow() };
        await ChangeAsync(context, server, destination, current => IntentionWriter.Upsert(current, destination, written)).ConfigureAwait(false);
        await ApiResponse.WriteJsonAsync(context, new IntentionIdResult(existing.Id!), IntentionJson.Info<IntentionIdResult>()).ConfigureAwait(false);
    }

    private static async Task DeleteAsync(HttpContext context, ServerRuntime server)
    {
        var id = Writes.Route(context, "id");
        await BlockingQuery.ReadBarrierAsync(server, ConsistencyMode.Default, context.RequestAborted).ConfigureAwait(false);
        var existing = IntentionCatalog.ById(server.Fsm.Current, id)
            ?? throw ApiException.NotFound($"Cannot delete non-existent intention: '{id}'");
        Writes.Authorize(context, server, AclResource.Intention, existing.DestinationName, AclAccess.Write);
        await ChangeAsync(context, server, existing.DestinationName, current => IntentionWriter.Remove(current, existing.SourceName, existing.SourcePeer)).ConfigureAwait(false);
        await ApiResponse.WriteTrueAsync(context).ConfigureAwait(false);
    }

    private static (string Source, string Destination) Names(IntentionBody body)
    {
        if (string.IsNullOrEmpty(body.SourceName))
        {
            throw ApiException.BadRequest("SourceName must be set");
        }

        if (string.IsNullOrEmpty(body.DestinationName))
        {
            throw ApiException.BadRequest("DestinationName must be set");
        }

        foreach (var ns in new[] { body.SourceNs, body.DestinationNs })
        {
            if (!string.IsNullOrEmpty(ns) && ns != IntentionPrecedence.DefaultNamespace)
            {
                throw ApiException.BadRequest($"Namespace \"{ns}\" is not supported: only \"{IntentionPrecedence.DefaultNamespace}\" exists");
            }
        }

        if (!string.IsNullOrEmpty(body.SourcePeer))
        {
            throw ApiException.BadRequest("SourcePeer cannot be set through the legacy intention API: write the service-intentions entry");
        }

        return (body.SourceName, body.DestinationName);
    }

    private static SourceIntention Source(IntentionBody body, string source, string id) => new()
    {
        Name = source,
        Action = string.IsNullOrEmpty(body.Action) ? null : body.Action.ToLowerInvariant(),
        Permissions = body.Permissions,
        Type = body.SourceType,
        Description = body.Description,
        LegacyId = id,
        LegacyMeta = body.Meta is { Count: > 0 } meta ? meta : null,
    };

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
}
