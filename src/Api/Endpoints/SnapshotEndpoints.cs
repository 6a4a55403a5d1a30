using System.Globalization;
using Mesh.Api.Http;
using Mesh.Api.Snapshots;
using Mesh.Config.Access;
using Mesh.Fsm.Commands;
using Mesh.Fsm.State;
using Mesh.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Mesh.Api.Endpoints;

/// <summary><c>GET|PUT /v1/snapshot</c>: operator snapshots in Consul's archive format.</summary>
public static class SnapshotEndpoints
{
    /// <summary>Largest snapshot accepted by <c>PUT /v1/snapshot</c>.</summary>
    public const int MaxSnapshotBytes = 256 * 1024 * 1024;

    public static void Map(IEndpointRouteBuilder app, ServerRuntime server)
    {
        app.MapGet("/v1/snapshot", context => SaveAsync(context, server));
        app.MapPut("/v1/snapshot", context => RestoreAsync(context, server));
    }

    private static async Task SaveAsync(HttpContext context, ServerRuntime server)
    {
        var options = Writes.ReadOptions(context, server);
        Writes.Authorize(context, server, AclResource.Acl, string.Empty, AclAccess.Write); // Consul: acl = "write", not operator
        await BlockingQuery.ReadBarrierAsync(server, options.Consistency, context.RequestAborted).ConfigureAwait(false);
        var state = server.Fsm.Current;
        var bytes = StoreSnapshotCodec.Serialize(state);
        var meta = BuildMeta(server, state, bytes);

        // Build in memory first: a failure must become an error status, not a truncated 200.
        using var archive = new MemoryStream();
        await SnapshotArchive.WriteAsync(archive, meta, bytes, context.RequestAborted).ConfigureAwait(false);
        BlockingQuery.WriteMeta(context, server, options, state.AppliedIndex);
        context.Response.ContentType = "application/x-gzip";
        context.Response.ContentLength = archive.Length;
        archive.Position = 0;
        await archive.CopyToAsync(context.Response.Body, context.RequestAborted).ConfigureAwait(false);
    }

    private static SnapshotMeta BuildMeta(ServerRuntime server, StoreState state, byte[] bytes) => new()
    {
        Id = string.Create(CultureInfo.InvariantCulture, $"{server.Raft.Term}-{state.AppliedIndex}-{server.Clock.GetUtcNow().ToUnixTimeMilliseconds()}"),
        Index = state.AppliedIndex,
        Term = server.Raft.Term,
        Configuration = new SnapshotConfiguration
        {
            Servers = [.. (server.Cluster?.Servers ?? []).Select(s => new SnapshotServer(s.Voter ? "Voter" : "Nonvoter", s.Id, s.Address))],
        },
        StateDigest = StoreSnapshotCodec.DigestOf(bytes),
        ContentDigest = StoreSnapshotCodec.ContentDigest(state),
        Tables = StoreSnapshotCodec.Counts(state),
    };

    private static async Task RestoreAsync(HttpContext context, ServerRuntime server)
    {
        Writes.Authorize(context, server, AclResource.Acl, string.Empty, AclAccess.Write); // Consul: acl = "write", not operator
        var body = await RequestBody.ReadBytesAsync(context, MaxSnapshotBytes).ConfigureAwait(false);
        if (body.Length == 0)
        {
            throw ApiException.BadRequest("Request body is empty: send a snapshot archive made by GET /v1/snapshot");
        }

        SnapshotContents contents;
        try
        {
            using var stream = new MemoryStream(body, writable: false);
            contents = await SnapshotArchive.ReadAsync(stream, context.RequestAborted).ConfigureAwait(false);
        }
        catch (InvalidDataException error)
        {
            throw ApiException.BadRequest($"Snapshot rejected, state unchanged: {error.Message}");
        }

        await Writes.SubmitAsync(context, server, new RestoreStateCommand { State = contents.StateBytes }).ConfigureAwait(false);
    }
}
