using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace Mesh.Xds;

/// <summary>
/// Every message type generated from Envoy's protos, so <see cref="JsonFormatter"/> and <see cref="JsonParser"/>
/// can write and read the <c>google.protobuf.Any</c> fields (typed_config, resources) xDS is full of.
/// </summary>
public static class XdsTypeRegistry
{
    /// <summary>
    /// The file of each proto the project compiles as a root (see Mesh.Xds.csproj); the registry adds their imports,
    /// which is every other generated file.
    /// </summary>
    public static IReadOnlyList<FileDescriptor> Files { get; } =
    [
        Envoy.Service.Discovery.V3.AdsReflection.Descriptor,
        Envoy.Service.Discovery.V3.DiscoveryReflection.Descriptor,
        Envoy.Config.Bootstrap.V3.BootstrapReflection.Descriptor,
        Envoy.Config.Cluster.V3.ClusterReflection.Descriptor,
        Envoy.Config.Endpoint.V3.EndpointReflection.Descriptor,
        Envoy.Config.Listener.V3.ListenerReflection.Descriptor,
        Envoy.Config.Route.V3.RouteReflection.Descriptor,
        Envoy.Extensions.AccessLoggers.File.V3.FileReflection.Descriptor,
        Envoy.Extensions.AccessLoggers.Stream.V3.StreamReflection.Descriptor,
        Envoy.Extensions.Clusters.Aggregate.V3.ClusterReflection.Descriptor,
        Envoy.Extensions.Filters.Http.GrpcHttp1Bridge.V3.ConfigReflection.Descriptor,
        Envoy.Extensions.Filters.Http.GrpcStats.V3.ConfigReflection.Descriptor,
        Envoy.Extensions.Filters.Http.HeaderToMetadata.V3.HeaderToMetadataReflection.Descriptor,
        Envoy.Extensions.Filters.Http.Rbac.V3.RbacReflection.Descriptor,
        Envoy.Extensions.Filters.Http.Router.V3.RouterReflection.Descriptor,
        Envoy.Extensions.Filters.Listener.OriginalDst.V3.OriginalDstReflection.Descriptor,
        Envoy.Extensions.Filters.Listener.TlsInspector.V3.TlsInspectorReflection.Descriptor,
        Envoy.Extensions.Filters.Network.HttpConnectionManager.V3.HttpConnectionManagerReflection.Descriptor,
        Envoy.Extensions.Filters.Network.Rbac.V3.RbacReflection.Descriptor,
        Envoy.Extensions.Filters.Network.SniCluster.V3.SniClusterReflection.Descriptor,
        Envoy.Extensions.Filters.Network.TcpProxy.V3.TcpProxyReflection.Descriptor,
        Envoy.Extensions.TransportSockets.Tls.V3.TlsReflection.Descriptor,
        Envoy.Extensions.Upstreams.Http.V3.HttpProtocolOptionsReflection.Descriptor,
    ];

    /// <summary>The registry of all generated messages (declared after <see cref="Files"/>, which it reads).</summary>
    public static TypeRegistry Instance { get; } = TypeRegistry.FromFiles(Files);
}
