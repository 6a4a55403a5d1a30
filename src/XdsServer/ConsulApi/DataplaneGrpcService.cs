using System.Text.Json;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Mesh.Config.Access;
using Mesh.EnvoyResources;
using Mesh.Fsm.Model;
using ServiceKind = Mesh.Fsm.Model.ServiceKind;
using Mesh.Fsm.State;
using Mesh.ProxyCfg.Merge;
using Mesh.XdsServer.ConsulApi.Dataplane;

namespace Mesh.XdsServer.ConsulApi;

/// <summary>
/// <c>hashicorp.consul.dataplane.DataplaneService</c> (Consul's <c>agent/grpc-external/services/dataplane</c>): the
/// features a dataplane may rely on, and the parameters of its Envoy bootstrap read from the proxy's registration
/// merged with central config. Any valid token may ask for the features; the bootstrap needs <c>service:read</c> on
/// the proxy's service.
/// </summary>
public sealed class DataplaneGrpcService(PublicServicesContext services) : DataplaneService.DataplaneServiceBase
{
    public override Task<GetSupportedDataplaneFeaturesResponse> GetSupportedDataplaneFeatures(GetSupportedDataplaneFeaturesRequest request, ServerCallContext context)
    {
        PublicCallAccess.Authenticate(services.Runtime.Access, context);
        var response = new GetSupportedDataplaneFeaturesResponse();
        foreach (var (feature, supported) in new[]
        {
            (DataplaneFeatures.WatchServers, true),
            (DataplaneFeatures.EdgeCertificateManagement, true),
            (DataplaneFeatures.EnvoyBootstrapConfiguration, true),
            (DataplaneFeatures.Fips, false),
        })
        {
            response.SupportedDataplaneFeatures.Add(new DataplaneFeatureSupport { FeatureName = feature, Supported = supported });
        }

        return Task.FromResult(response);
    }

    public override Task<GetEnvoyBootstrapParamsResponse> GetEnvoyBootstrapParams(GetEnvoyBootstrapParamsRequest request, ServerCallContext context)
    {
        var runtime = services.Runtime;
        var token = PublicCallAccess.Authenticate(runtime.Access, context);
        var state = runtime.Fsm.Current;
        var node = FindNode(state, request);
#pragma warning disable CS0612 // service_id is deprecated in the contract but still sent by every dataplane
        var proxyId = request.ServiceId.Length > 0 ? request.ServiceId : request.ProxyId;
#pragma warning restore CS0612
        if (proxyId.Length == 0)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "proxy_id (or service_id) is required"));
        }

        var service = state.FindService(node.Name, proxyId)
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"Service not found: \"{proxyId}\" on node \"{node.Name}\""));
        PublicCallAccess.RequireService(runtime.Access, token, service.Service, AclAccess.Read);

        var config = service.Kind == ServiceKind.ConnectProxy ? ServiceConfigMerge.Merge(state, service).Config : service.Proxy.Config;
        var name = service.Kind == ServiceKind.ConnectProxy && service.Proxy.DestinationServiceName.Length > 0
            ? service.Proxy.DestinationServiceName
            : service.Service;
        var response = new GetEnvoyBootstrapParamsResponse
        {
            Namespace = "default",
            Partition = "default",
            Datacenter = runtime.Self.Datacenter,
            Config = ToStruct(config),
            NodeName = node.Name,
            Identity = name,
        };
        response.AccessLogs.AddRange(AccessLogging.ProtoJsonOf(ServiceConfigMerge.AccessLogs(state)));
#pragma warning disable CS0612 // sent for old dataplanes, which read only this field
        response.Service = name;
#pragma warning restore CS0612
        return Task.FromResult(response);
    }

    /// <summary>
    /// The node by ID or name. Both given must name the same node (Consul's oneof cannot carry both; Mesh's plain
    /// fields can, and a disagreement is a bad request rather than a silent pick).
    /// </summary>
    private static Node FindNode(StoreState state, GetEnvoyBootstrapParamsRequest request)
    {
        if (request.NodeId.Length == 0 && request.NodeName.Length == 0)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "Node ID or name required"));
        }

        Node? byName = null;
        if (request.NodeName.Length > 0)
        {
            byName = state.FindNode(request.NodeName)
                ?? throw new RpcException(new Status(StatusCode.NotFound, $"node not found: \"{request.NodeName}\""));
        }

        if (request.NodeId.Length == 0)
        {
            return byName!;
        }

        if (byName is not null)
        {
            return string.Equals(byName.Id, request.NodeId, StringComparison.OrdinalIgnoreCase)
                ? byName
                : throw new RpcException(new Status(StatusCode.InvalidArgument, $"node_id \"{request.NodeId}\" and node_name \"{request.NodeName}\" name different nodes (node \"{request.NodeName}\" has ID \"{byName.Id}\")"));
        }

        return state.Nodes.Values.FirstOrDefault(n => string.Equals(n.Id, request.NodeId, StringComparison.OrdinalIgnoreCase))
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"node not found: no node has ID \"{request.NodeId}\""));
    }

    private static Struct ToStruct(JsonBlob config)
    {
        if (config.IsEmpty)
        {
            return new Struct();
        }

        using var document = JsonDocument.Parse(config.Json);
        return document.RootElement.ValueKind == JsonValueKind.Object ? StructOf(document.RootElement) : new Struct();
    }

    private static Struct StructOf(JsonElement element)
    {
        var result = new Struct();
        foreach (var property in element.EnumerateObject())
        {
            result.Fields[property.Name] = ValueOf(property.Value);
        }

        return result;
    }

    private static Value ValueOf(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => Value.ForStruct(StructOf(element)),
        JsonValueKind.Array => Value.ForList([.. element.EnumerateArray().Select(ValueOf)]),
        JsonValueKind.String => Value.ForString(element.GetString()!),
        JsonValueKind.Number => Value.ForNumber(element.GetDouble()),
        JsonValueKind.True => Value.ForBool(true),
        JsonValueKind.False => Value.ForBool(false),
        _ => Value.ForNull(),
    };
}
