using Mesh.Api.Contracts;
using Mesh.Api.Http;
using Mesh.Api.Json;
using Mesh.Config.Access;
using Mesh.Fsm.State;
using Mesh.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace Mesh.Api.Endpoints;

/// <summary><c>/v1/internal/mesh/state</c>: this server's applied index and store digest (always local, like ?stale).</summary>
public static class InternalEndpoints
{
    public static void Map(IEndpointRouteBuilder app, ServerRuntime server)
    {
        app.MapGet("/v1/internal/mesh/state", context =>
        {
            Writes.Authorize(context, server, AclResource.Operator, string.Empty, AclAccess.Read);
            var state = server.Fsm.Current;
            var view = new StateDigestView(state.AppliedIndex, StoreSnapshotCodec.Digest(state), StoreSnapshotCodec.ContentDigest(state), StoreSnapshotCodec.Counts(state), server.Raft.CommitIndex, server.Raft.Term, server.Raft.IsLeader);
            return ApiResponse.WriteJsonAsync(context, view, ApiJsonContext.Default.StateDigestView);
        });
    }
}
