using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Mesh.Api.Filtering;
using Mesh.Api.Http;
using Mesh.Api.Json;
using Mesh.Config.Access;
using Mesh.Config.ConfigEntries;
using Mesh.Config.Filtering;
using Mesh.Fsm.Commands;
using Mesh.Fsm.Model;
using Mesh.Fsm.State;
using Mesh.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Mesh.Api.Endpoints;

/// <summary><c>/v1/config</c>: config entries of every registered kind, with <c>?cas=</c> on writes and blocking reads.</summary>
public static class ConfigEndpoints
{
    public static void Map(IEndpointRouteBuilder app, ServerRuntime server)
    {
        app.MapPut("/v1/config", context => ApplyAsync(context, server));
        app.MapGet("/v1/config/{kind}", context => ListAsync(context, server));
        app.MapGet("/v1/config/{kind}/{**name}", context => GetAsync(context, server));
        app.MapDelete("/v1/config/{kind}/{**name}", context => DeleteAsync(context, server));
    }

    private static async Task ApplyAsync(HttpContext context, ServerRuntime server)
    {
        var cas = CasIndex(context.Request);
        var parsed = Decode(await ReadDocumentAsync(context).ConfigureAwait(false));
        var kind = ConfigEntryKinds.Require(parsed.Kind);
        Writes.Authorize(context, server, kind.Resource, parsed.Name, AclAccess.Write);
        // The graph rules (chains must still compile) are checked by the FSM against the state the write is applied
        // to, on every server; a refusal comes back as a 400 with the reason (Consul does the same in its FSM).
        var written = await SubmitAsync(context, server, new UpsertConfigEntryCommand { Entry = parsed.ToEntry(), CasIndex = cas }).ConfigureAwait(false);
        await ApiResponse.WriteJsonAsync(context, written, ApiJsonContext.Default.Boolean).ConfigureAwait(false);
    }

    private static Task ListAsync(HttpContext context, ServerRuntime server)
    {
        var (options, filter) = Writes.FilteredReadOptions(context, server);
        var kind = RequireKind(context);
        var acl = AclReadFilter.For(context, server);

        // As in Consul, a list leaves out the entries the token may not read instead of refusing the whole request.
        return RespondAsync(context, server, options, [WatchKeys.ConfigKind(kind.Kind)], [],
            state => FilterList(filter, ConfigEntryOutput.List(state.ConfigEntriesOfKind(kind.Kind)
                .Where(entry => kind.OpenRead || acl.Read(kind.ReadResource, kind.ReadResource == AclResource.Mesh ? string.Empty : entry.Name)))));
    }

    /// <summary>Applies <c>?filter</c> to the entries of a JSON array as they are written out (Consul's field names).</summary>
    private static byte[] FilterList(FilterExpression? filter, byte[] json)
    {
        if (filter is null)
        {
            return json;
        }

        using var document = JsonDocument.Parse(json);
        using var buffer = new MemoryStream(json.Length);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var entry in document.RootElement.EnumerateArray().Where(filter.Matches))
            {
                entry.WriteTo(writer);
            }

            writer.WriteEndArray();
        }

        return buffer.ToArray();
    }

    private static Task GetAsync(HttpContext context, ServerRuntime server)
    {
        var options = Writes.ReadOptions(context, server);
        var kind = RequireKind(context);
        var name = Writes.Route(context, "name");
        AuthorizeRead(context, server, kind, name);
        return RespondAsync(context, server, options, [WatchKeys.ConfigEntry(kind.Kind, name)], [WatchKeys.ConfigKind(kind.Kind)],
            state => state.FindConfigEntry(kind.Kind, name) is { } entry
                ? ConfigEntryOutput.One(entry)
                : throw ApiException.NotFound($"Config entry not found for \"{kind.Kind}\" / \"{name}\""));
    }

    private static async Task DeleteAsync(HttpContext context, ServerRuntime server)
    {
        var cas = CasIndex(context.Request);
        var kind = RequireKind(context);
        var name = Writes.Route(context, "name");
        Writes.Authorize(context, server, kind.Resource, name, AclAccess.Write);
        var deleted = await SubmitAsync(context, server, new DeleteConfigEntryCommand { Kind = kind.Kind, Name = name, CasIndex = cas }).ConfigureAwait(false);
        if (cas is null)
        {
            await ApiResponse.WriteRawJsonAsync(context, "{}"u8.ToArray()).ConfigureAwait(false);
        }
        else
        {
            await ApiResponse.WriteJsonAsync(context, deleted, ApiJsonContext.Default.Boolean).ConfigureAwait(false);
        }
    }

    /// <summary>Runs a blocking read whose result is JSON built by <paramref name="read"/>; a 404 thrown inside still carries the index.</summary>
    private static async Task RespondAsync(
        HttpContext context, ServerRuntime server, QueryOptions options, string[] keys, string[] fallback, Func<StoreState, byte[]> read)
    {
        var (json, index) = await new BlockingQuery(server, keys, fallback).RunAsync(context, options, state =>
        {
            try
            {
                return (Body: read(state), Missing: (ApiException?)null);
            }
            catch (ApiException missing) when (missing.StatusCode == StatusCodes.Status404NotFound)
            {
                return (Body: Array.Empty<byte>(), Missing: missing);
            }
        }).ConfigureAwait(false);
        BlockingQuery.WriteMeta(context, server, options, index);
        if (json.Missing is { } notFound)
        {
            await ApiResponse.WriteTextAsync(context, notFound.StatusCode, notFound.Message).ConfigureAwait(false);
            return;
        }

        await ApiResponse.WriteRawJsonAsync(context, json.Body).ConfigureAwait(false);
    }

    /// <summary>Submits a command; a lost compare-and-set is <c>false</c>, other refusals are 4xx.</summary>
    private static async Task<bool> SubmitAsync(HttpContext context, ServerRuntime server, Command command)
    {
        var result = await server.Commands.SubmitAsync(command, Writes.AuthorizeCommand(context, server, command), context.RequestAborted).ConfigureAwait(false);
        return result.ErrorKind switch
        {
            ApplyErrorKind.None => true,
            ApplyErrorKind.CasConflict => false,
            ApplyErrorKind.NotFound => throw ApiException.NotFound(result.Error!),
            ApplyErrorKind.PermissionDenied => throw ApiException.Forbidden(result.Error!),
            _ => throw ApiException.BadRequest(result.Error!),
        };
    }

    private static async Task<JsonObject> ReadDocumentAsync(HttpContext context)
        => await RequestBody.ReadJsonObjectAsync(context, "Request decoding failed").ConfigureAwait(false)
           ?? throw ApiException.BadRequest("Request decoding failed: the body is empty, a config entry JSON object is required");

    private static ParsedConfigEntry Decode(JsonObject document)
    {
        try
        {
            return ConfigEntryKinds.Decode(document);
        }
        catch (InvalidConfigEntryException invalid)
        {
            throw ApiException.BadRequest($"Request decoding failed: {invalid.Message}");
        }
    }

    private static IConfigEntryKind RequireKind(HttpContext context)
    {
        var kind = Writes.Route(context, "kind");
        return ConfigEntryKinds.Find(kind) ?? throw ApiException.BadRequest($"invalid config entry kind: {kind}");
    }

    private static void AuthorizeRead(HttpContext context, ServerRuntime server, IConfigEntryKind kind, string name)
    {
        if (!kind.OpenRead)
        {
            Writes.Authorize(context, server, kind.ReadResource, name, AclAccess.Read);
        }
    }

    private static long? CasIndex(HttpRequest request)
    {
        if (!request.Query.TryGetValue("cas", out var text) || text.ToString().Length == 0)
        {
            return null;
        }

        return long.TryParse(text.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            ? index
            : throw ApiException.BadRequest($"Invalid cas index: \"{text}\" is not a non-negative integer");
    }
}
