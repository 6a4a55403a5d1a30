using Mesh.Api.Contracts;
using Mesh.Api.Http;
using Mesh.Api.Json;
using Mesh.Ca.Signing;
using Mesh.Config.Access;
using Mesh.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Mesh.Api.Endpoints;

/// <summary>
/// <c>GET /v1/agent/connect/ca/leaf/:service</c>: this server's leaf certificate for the service (made on first use,
/// renewed at 60-90% of its life or after a root rotation). <c>?index=N</c> waits for a leaf with a higher index;
/// X-Consul-Index is the leaf's index (its serial number, see <see cref="Mesh.Ca.Leaves.IssuedLeaf"/>).
/// </summary>
public static class LeafEndpoints
{
    public static void Map(IEndpointRouteBuilder app, ServerRuntime server)
        => app.MapGet("/v1/agent/connect/ca/leaf/{service}", context => LeafAsync(context, server));

    private static async Task LeafAsync(HttpContext context, ServerRuntime server)
    {
        var options = Writes.ReadOptions(context, server);
        var service = Writes.Route(context, "service");
        Writes.Authorize(context, server, AclResource.Service, service, AclAccess.Write);
        var ca = CaEndpoints.Ca(server);
        var wait = options.Wait + TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * options.Wait.TotalMilliseconds / 16);
        Mesh.Ca.Leaves.IssuedLeaf leaf;
        try
        {
            leaf = await ca.Leaves.GetAsync(service, options.MinIndex, wait, context.RequestAborted).ConfigureAwait(false);
        }
        catch (LeafSigningException error)
        {
            throw error.Kind == LeafSigningError.Invalid
                ? ApiException.BadRequest(error.Message)
                : new ApiException(StatusCodes.Status503ServiceUnavailable, error.Message);
        }

        BlockingQuery.WriteMeta(context, server, options, leaf.ModifyIndex);
        await ApiResponse.WriteJsonAsync(context, new IssuedCertView
        {
            SerialNumber = leaf.SerialNumber,
            CertPem = leaf.CertPem,
            PrivateKeyPem = leaf.PrivateKeyPem,
            Service = leaf.Service,
            ServiceUri = leaf.ServiceUri,
            ValidAfter = leaf.ValidAfter.UtcDateTime,
            ValidBefore = leaf.ValidBefore.UtcDateTime,
            CreateIndex = leaf.CreateIndex,
            ModifyIndex = leaf.ModifyIndex,
        }, CaJsonContext.Default.IssuedCertView).ConfigureAwait(false);
    }
}
