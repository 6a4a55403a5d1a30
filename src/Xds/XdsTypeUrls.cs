namespace Mesh.Xds;

/// <summary>
/// The type URLs of xDS resources and of the typed_config messages Mesh puts in <c>google.protobuf.Any</c>, as they
/// appear in DiscoveryRequest.type_url and in "@type" in JSON. Constants, so they can be used in switches.
/// </summary>
public static class XdsTypeUrls
{
    /// <summary>The prefix <c>Any.Pack</c> writes before a message's full name.</summary>
    public const string Prefix = "type.googleapis.com/";

    // Resources served over ADS.
    public const string Listener = Prefix + "envoy.config.listener.v3.Listener";
    public const string RouteConfiguration = Prefix + "envoy.config.route.v3.RouteConfiguration";
    public const string Cluster = Prefix + "envoy.config.cluster.v3.Cluster";
    public const string ClusterLoadAssignment = Prefix + "envoy.config.endpoint.v3.ClusterLoadAssignment";
    public const string Secret = Prefix + "envoy.extensions.transport_sockets.tls.v3.Secret";

    // Network and listener filters.
    public const string HttpConnectionManager =
        Prefix + "envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager";
    public const string TcpProxy = Prefix + "envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy";
    public const string NetworkRbac = Prefix + "envoy.extensions.filters.network.rbac.v3.RBAC";
    public const string SniCluster = Prefix + "envoy.extensions.filters.network.sni_cluster.v3.SniCluster";
    public const string OriginalDst = Prefix + "envoy.extensions.filters.listener.original_dst.v3.OriginalDst";
    public const string TlsInspector = Prefix + "envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector";

    // HTTP filters.
    public const string HttpRbac = Prefix + "envoy.extensions.filters.http.rbac.v3.RBAC";
    public const string Router = Prefix + "envoy.extensions.filters.http.router.v3.Router";
    public const string HeaderToMetadata = Prefix + "envoy.extensions.filters.http.header_to_metadata.v3.Config";
    public const string GrpcStats = Prefix + "envoy.extensions.filters.http.grpc_stats.v3.FilterConfig";
    public const string GrpcHttp1Bridge = Prefix + "envoy.extensions.filters.http.grpc_http1_bridge.v3.Config";

    // Transport sockets, cluster and protocol options, access loggers.
    public const string UpstreamTlsContext = Prefix + "envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext";
    public const string DownstreamTlsContext =
        Prefix + "envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext";
    public const string HttpProtocolOptions = Prefix + "envoy.extensions.upstreams.http.v3.HttpProtocolOptions";
    public const string AggregateClusterConfig = Prefix + "envoy.extensions.clusters.aggregate.v3.ClusterConfig";
    public const string FileAccessLog = Prefix + "envoy.extensions.access_loggers.file.v3.FileAccessLog";
    public const string StdoutAccessLog = Prefix + "envoy.extensions.access_loggers.stream.v3.StdoutAccessLog";
    public const string StderrAccessLog = Prefix + "envoy.extensions.access_loggers.stream.v3.StderrAccessLog";
}
