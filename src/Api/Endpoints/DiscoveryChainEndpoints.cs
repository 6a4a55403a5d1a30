using System.Globalization;
using System.Text.Json;
using Mesh.Api.Http;
using Mesh.Config.Access;
using Mesh.Config.ConfigEntries;
using Mesh.Config.DiscoveryChain;
using Mesh.Config.Durations;
using Mesh.Fsm.State;
using Mesh.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Mesh.Api.Endpoints;

/// <summary>
/// <c>/v1/discovery-chain/:service</c>: the service's compiled chain as Consul returns it (<c>{"Chain": {...}}</c>).
/// GET compiles as is; POST takes overrides (<c>OverrideConnectTimeout</c>, <c>OverrideProtocol</c>,
/// <c>OverrideMeshGateway</c>). Blocking queries park on the config entry kinds a chain is made of.
/// </summary>
public static class DiscoveryChainEndpoints
{
    private static readonly string[] WatchedKinds =
    [
        ServiceRouterKind.KindName, ServiceSplitterKind.KindName, ServiceResolverKind.KindName,
        ServiceDefaultsKind.KindName, ProxyDefaultsKind.KindName,
    ];

    public static void Map(IEndpointRouteBuilder app, ServerRuntime server)
    {
        app.MapGet("/v1/discovery-chain/{**name}", context => ReadAsync(context, server, withOverrides: false));
        app.MapPost("/v1/discovery-chain/{**name}", context => ReadAsync(context, server, withOverrides: true));
    }

    private static async Task ReadAsync(HttpContext context, ServerRuntime server, bool withOverrides)
    {
        var options = Writes.ReadOptions(context, server);
        var name = Writes.Route(context, "name");
        Writes.Authorize(context, server, AclResource.Service, name, AclAccess.Read);
        var query = context.Request.Query;
        var request = new CompileRequest
        {
            ServiceName = name,
            EvaluateInDatacenter = query["compile-dc"].ToString() is { Length: > 0 } dc ? dc : server.Self.Datacenter,
            EvaluateInNamespace = query["ns"].ToString() is { Length: > 0 } ns ? ns : "default",
        };
        if (withOverrides)
        {
            request = await ReadOverridesAsync(context, request).ConfigureAwait(false);
        }

        string[] keys = [.. WatchedKinds.Select(WatchKeys.ConfigKind), WatchKeys.CaRoots, WatchKeys.Service(name)];
        var (result, index) = await new BlockingQuery(server, keys).RunAsync(context, options, state =>
        {
            try
            {
                return (Body: DiscoveryChainJson.Response(DiscoveryChainCompiler.Compile(state, request)), Error: (string?)null);
            }
            catch (DiscoveryChainException error)
            {
                return (Body: Array.Empty<byte>(), Error: error.Message);
            }
        }).ConfigureAwait(false);
        BlockingQuery.WriteMeta(context, server, options, index);
        if (result.Error is { } message)
        {
            // Consul answers a chain that does not compile (entries are validated on write, so rarely) with a 500.
            await ApiResponse.WriteTextAsync(context, StatusCodes.Status500InternalServerError, message).ConfigureAwait(false);
            return;
        }

        await ApiResponse.WriteRawJsonAsync(context, result.Body).ConfigureAwait(false);
    }

    /// <summary>
    /// The POST body, decoded as Consul's <c>discoveryChainReadRequest</c>: keys in any case or snake_case, a timeout
    /// as Go duration text or nanoseconds, unknown keys ignored; an empty body means no overrides.
    /// </summary>
    private static async Task<CompileRequest> ReadOverridesAsync(HttpContext context, CompileRequest request)
    {
        // Shared body rules (duplicate keys: last wins, bad UTF-8 is a 400), then read as a document.
        if (await RequestBody.ReadJsonObjectAsync(context, "Request decoding failed").ConfigureAwait(false) is not { } body)
        {
            return request;
        }

        using (var document = JsonDocument.Parse(body.ToJsonString()))
        {
            foreach (var property in document.RootElement.EnumerateObject())
            {
                request = Key(property.Name) switch
                {
                    "overrideconnecttimeout" => request with { OverrideConnectTimeout = Timeout(property.Value) },
                    "overrideprotocol" => request with { OverrideProtocol = Scalar(property.Value, "OverrideProtocol") },
                    "overridemeshgateway" => request with { OverrideMeshGateway = MeshGatewayMode(property.Value) },
                    _ => request,
                };
            }
        }

        return request;
    }

    private static string Key(string name) => name.Replace("_", string.Empty, StringComparison.Ordinal).ToLowerInvariant();

    private static TimeSpan Timeout(JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                var text = value.GetString() ?? string.Empty;
                if (text.Length == 0)
                {
                    return TimeSpan.Zero;
                }

                return GoDuration.TryParse(text, out var duration)
                    ? duration
                    : throw ApiException.BadRequest($"Request decoding failed: time: invalid duration \"{text}\"");
            case JsonValueKind.Number when value.TryGetDouble(out var nanoseconds):
                return TimeSpan.FromTicks((long)(nanoseconds / 100));
            case JsonValueKind.Null:
                return TimeSpan.Zero;
            default:
                throw ApiException.BadRequest("Request decoding failed: OverrideConnectTimeout: expected a duration such as \"5s\"");
        }
    }

    private static string Scalar(JsonElement value, string field) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString() ?? string.Empty,
        JsonValueKind.Number => value.GetDouble().ToString(CultureInfo.InvariantCulture),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Null => string.Empty,
        _ => throw ApiException.BadRequest($"Request decoding failed: {field}: invalid type {value.ValueKind}"),
    };

    private static string MeshGatewayMode(JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return string.Empty;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            throw ApiException.BadRequest("Request decoding failed: OverrideMeshGateway: expected an object");
        }

        var mode = value.EnumerateObject().FirstOrDefault(p => p.Name.Equals("Mode", StringComparison.OrdinalIgnoreCase));
        var text = mode.Value.ValueKind == JsonValueKind.Undefined ? string.Empty : Scalar(mode.Value, "OverrideMeshGateway.Mode");
        return text is "" or "none" or "local" or "remote"
            ? text
            : throw ApiException.BadRequest("Invalid OverrideMeshGateway.Mode parameter");
    }
}
