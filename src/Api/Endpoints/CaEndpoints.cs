using System.Globalization;
using Mesh.Api.Contracts;
using Mesh.Api.Http;
using Mesh.Api.Json;
using Mesh.Ca;
using Mesh.Ca.Config;
using Mesh.Ca.Leader;
using Mesh.Config.Access;
using Mesh.Fsm.Model;
using Mesh.Fsm.State;
using Mesh.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Mesh.Api.Endpoints;

/// <summary>
/// The Connect CA (<c>agent/connect_ca_endpoint.go</c>): <c>GET /v1/connect/ca/roots</c> (blocking, <c>?pem=true</c>),
/// the same at <c>/v1/agent/connect/ca/roots</c>, and <c>GET|PUT /v1/connect/ca/configuration</c>.
/// </summary>
public static class CaEndpoints
{
    public static void Map(IEndpointRouteBuilder app, ServerRuntime server)
    {
        app.MapGet("/v1/connect/ca/roots", context => RootsAsync(context, server));
        app.MapGet("/v1/agent/connect/ca/roots", context => RootsAsync(context, server));
        app.MapGet("/v1/connect/ca/configuration", context => GetConfigurationAsync(context, server));
        app.MapPut("/v1/connect/ca/configuration", context => PutConfigurationAsync(context, server));
    }

    internal static CaRuntime Ca(ServerRuntime server)
        => server.Ca ?? throw new ApiException(StatusCodes.Status503ServiceUnavailable, "The Connect CA is not running on this server");

    private static async Task RootsAsync(HttpContext context, ServerRuntime server)
    {
        var options = Writes.ReadOptions(context, server);
        var pem = QueryOptions.Flag(context.Request, "pem");
        var (ca, index) = await new BlockingQuery(server, [WatchKeys.CaRoots]).RunAsync(context, options, state => state.Ca).ConfigureAwait(false);
        BlockingQuery.WriteMeta(context, server, options, index);
        if (pem)
        {
            // Every trusted root followed by its intermediates, as Consul's ?pem=true writes them.
            context.Response.ContentType = "application/pem-certificate-chain";
            var chain = string.Concat((ca?.Roots ?? []).SelectMany(root => root.IntermediateCerts.Prepend(root.RootCert)).Select(WithNewline));
            await context.Response.WriteAsync(chain, context.RequestAborted).ConfigureAwait(false);
            return;
        }

        await ApiResponse.WriteJsonAsync(context, RootsView(ca), CaJsonContext.Default.CaRootsView).ConfigureAwait(false);
    }

    private static async Task GetConfigurationAsync(HttpContext context, ServerRuntime server)
    {
        var options = Writes.ReadOptions(context, server);
        Writes.Authorize(context, server, AclResource.Operator, string.Empty, AclAccess.Read);
        var (ca, index) = await new BlockingQuery(server, [WatchKeys.CaConfig]).RunAsync(context, options, state => state.Ca).ConfigureAwait(false);
        if (ca is null)
        {
            throw new ApiException(StatusCodes.Status503ServiceUnavailable, "CA is uninitialized: the leader has not generated a root yet");
        }

        BlockingQuery.WriteMeta(context, server, options, index);
        var configuration = ca.Configuration;
        await ApiResponse.WriteJsonAsync(context, new CaConfigurationView
        {
            Provider = configuration.Provider,
            State = configuration.State,
            Config = configuration.Config,
            ForceWithoutCrossSigning = configuration.ForceWithoutCrossSigning,
            CreateIndex = configuration.CreateIndex,
            ModifyIndex = configuration.ModifyIndex,
        }, CaJsonContext.Default.CaConfigurationView).ConfigureAwait(false);
    }

    private static async Task PutConfigurationAsync(HttpContext context, ServerRuntime server)
    {
        Writes.Authorize(context, server, AclResource.Operator, string.Empty, AclAccess.Write);
        var body = await RequestBody.ReadJsonAsync(context, CaJsonContext.Default.CaConfigurationBody).ConfigureAwait(false);
        var ca = Ca(server);

        // The update is computed from this server's view: bring it up to the leader's first.
        await BlockingQuery.ReadBarrierAsync(server, ConsistencyMode.Consistent, context.RequestAborted).ConfigureAwait(false);
        try
        {
            await ca.Configuration.UpdateAsync(body.Provider, body.Config, body.ForceWithoutCrossSigning, context.RequestAborted).ConfigureAwait(false);
        }
        catch (CaConfigException error)
        {
            throw ApiException.BadRequest("Invalid CA configuration: " + error.Message);
        }
        catch (CaNotReadyException error)
        {
            throw new ApiException(StatusCodes.Status503ServiceUnavailable, error.Message);
        }
    }

    private static CaRootsView RootsView(CaState? ca) => new()
    {
        ActiveRootId = ca?.Roots.FirstOrDefault(r => r.Active)?.Id ?? string.Empty,
        TrustDomain = ca?.TrustDomain ?? string.Empty,
        Roots = [.. (ca?.Roots ?? []).Select(root => new CaRootView
        {
            Id = root.Id,
            Name = root.Name,
            SerialNumber = ulong.TryParse(root.SerialNumber, NumberStyles.None, CultureInfo.InvariantCulture, out var serial) ? serial : 0,
            SigningKeyId = root.SigningKeyId,
            ExternalTrustDomain = root.ExternalTrustDomain,
            NotBefore = DateTimeOffset.FromUnixTimeMilliseconds(root.NotBeforeUnixMilliseconds).UtcDateTime,
            NotAfter = DateTimeOffset.FromUnixTimeMilliseconds(root.NotAfterUnixMilliseconds).UtcDateTime,
            RootCert = root.RootCert,
            IntermediateCerts = root.IntermediateCerts.Count == 0 ? null : root.IntermediateCerts,
            Active = root.Active,
            PrivateKeyType = root.PrivateKeyType,
            PrivateKeyBits = root.PrivateKeyBits,
            CreateIndex = root.CreateIndex,
            ModifyIndex = root.ModifyIndex,
        })],
    };

    private static string WithNewline(string pem) => pem.EndsWith('\n') ? pem : pem + "\n";
}
