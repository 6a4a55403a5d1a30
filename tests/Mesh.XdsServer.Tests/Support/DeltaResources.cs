using System.Collections.Immutable;
using Envoy.Config.Cluster.V3;
using Envoy.Config.Core.V3;
using Envoy.Config.Endpoint.V3;
using Envoy.Config.Listener.V3;
using Envoy.Config.Route.V3;
using Envoy.Extensions.Filters.Network.HttpConnectionManager.V3;
using Envoy.Service.Discovery.V3;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Mesh.EnvoyResources;
using Mesh.Xds;
using Mesh.XdsServer.Resources;

namespace Mesh.XdsServer.Tests.Support;

/// <summary>Small hand-made Envoy resources and requests for protocol tests.</summary>
internal static class DeltaResources
{
    public const string Cds = XdsTypeUrls.Cluster;
    public const string Eds = XdsTypeUrls.ClusterLoadAssignment;
    public const string Lds = XdsTypeUrls.Listener;
    public const string Rds = XdsTypeUrls.RouteConfiguration;

    public static Cluster Cluster(string name, int timeoutSeconds = 5) => new()
    {
        Name = name,
        Type = Envoy.Config.Cluster.V3.Cluster.Types.DiscoveryType.Eds,
        ConnectTimeout = Duration.FromTimeSpan(TimeSpan.FromSeconds(timeoutSeconds)),
    };

    public static ClusterLoadAssignment Endpoints(string cluster, params int[] ports)
    {
        var locality = new LocalityLbEndpoints();
        foreach (var port in ports)
        {
            locality.LbEndpoints.Add(new LbEndpoint
            {
                Endpoint = new Endpoint { Address = new Address { SocketAddress = new SocketAddress { Address = "127.0.0.1", PortValue = (uint)port } } },
            });
        }

        return new ClusterLoadAssignment { ClusterName = cluster, Endpoints = { locality } };
    }

    public static Listener Listener(string name, string? routeName = null, int port = 21000)
    {
        var hcm = new HttpConnectionManager { StatPrefix = name };
        if (routeName is not null)
        {
            hcm.Rds = new Envoy.Extensions.Filters.Network.HttpConnectionManager.V3.Rds { RouteConfigName = routeName, ConfigSource = new ConfigSource { Ads = new AggregatedConfigSource() } };
        }

        return new Listener
        {
            Name = name,
            Address = new Address { SocketAddress = new SocketAddress { Address = "127.0.0.1", PortValue = (uint)port } },
            FilterChains = { new FilterChain { Filters = { new Envoy.Config.Listener.V3.Filter { Name = "envoy.filters.network.http_connection_manager", TypedConfig = Any.Pack(hcm) } } } },
        };
    }

    public static RouteConfiguration Route(string name, string cluster) => new()
    {
        Name = name,
        VirtualHosts =
        {
            new VirtualHost
            {
                Name = name,
                Domains = { "*" },
                Routes = { new Route { Match = new RouteMatch { Prefix = "/" }, Route_ = new RouteAction { Cluster = cluster } } },
            },
        },
    };

    /// <summary>A resource set as the generator would produce it, indexed by type and name.</summary>
    public static VersionedResourceSet Set(params IMessage[] resources)
    {
        var byType = resources
            .GroupBy(r => XdsTypeUrls.Prefix + r.Descriptor.FullName)
            .ToImmutableSortedDictionary(
                g => g.Key,
                g => g.ToImmutableSortedDictionary(NameOf, r => r, StringComparer.Ordinal),
                StringComparer.Ordinal);
        return VersionedResourceSet.From(new EnvoyResourceSet(byType));
    }

    /// <summary>web's sidecar in miniature: local_app and db clusters, db endpoints, a public and an HTTP upstream listener with its route.</summary>
    public static VersionedResourceSet Sidecar(int dbPort = 20000, int dbTimeout = 5) => Set(
        Cluster("local_app"),
        Cluster("db", dbTimeout),
        Endpoints("db", dbPort),
        Listener("public_listener"),
        Listener("db:127.0.0.1:9191", "db", 9191),
        Route("db", "db"));

    public static string NameOf(IMessage message) => message switch
    {
        Cluster c => c.Name,
        ClusterLoadAssignment e => e.ClusterName,
        Listener l => l.Name,
        RouteConfiguration r => r.Name,
        _ => throw new ArgumentException(message.Descriptor.FullName),
    };

    public static DeltaDiscoveryRequest Request(string typeUrl, IEnumerable<string>? subscribe = null, IEnumerable<string>? unsubscribe = null, string nonce = "")
    {
        var request = new DeltaDiscoveryRequest { TypeUrl = typeUrl, ResponseNonce = nonce };
        request.ResourceNamesSubscribe.AddRange(subscribe ?? []);
        request.ResourceNamesUnsubscribe.AddRange(unsubscribe ?? []);
        return request;
    }

    public static DeltaDiscoveryRequest Ack(DeltaDiscoveryResponse response) => Request(response.TypeUrl, nonce: response.Nonce);

    public static DeltaDiscoveryRequest Nack(DeltaDiscoveryResponse response, string error = "rejected by test")
    {
        var request = Ack(response);
        request.ErrorDetail = new Google.Rpc.Status { Code = 3, Message = error };
        return request;
    }

    public static string[] Names(DeltaDiscoveryResponse response) => [.. response.Resources.Select(r => r.Name)];
}
