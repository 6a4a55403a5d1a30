using Mesh.Ca;
using Mesh.Fsm;
using Mesh.ProxyCfg;
using Mesh.Server;
using Mesh.XdsServer.ConsulApi;
using Mesh.XdsServer.Streams;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Mesh.XdsServer.Hosting;

public static class XdsServiceCollectionExtensions
{
    /// <summary>
    /// Adds this server's proxycfg and the ADS server on the gRPC port on top of a server core registered with
    /// <c>AddMeshServer</c>; followers serve from their own store.
    /// </summary>
    public static IServiceCollection AddXdsServer(this IServiceCollection services, XdsHostOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton(sp => new ProxyConfigSource(
            sp.GetRequiredService<StateMachine>(),
            sp.GetRequiredService<CaRuntime>().Leaves,
            sp.GetRequiredService<AgentIdentity>(),
            new ProxyCfgOptions { CoalesceDelay = options.CoalesceDelay, UpdateMaxPerSecond = options.UpdateMaxPerSecond },
            sp.GetRequiredService<ILoggerFactory>(),
            sp.GetRequiredService<ServerRuntime>().Access)
        {
            Datacenters = sp.GetService<Mesh.Server.Federation.IDatacenterHealthSource>(),
            KnownDatacenters = sp.GetService<Mesh.Server.Federation.IKnownDatacenters>(),
            DatacenterToken = () => sp.GetRequiredService<ServerRuntime>().AgentToken.SecretId,
        });
        services.AddSingleton(_ => new XdsStreams(new XdsServerOptions { MaxStreams = options.MaxStreams }));
        services.AddSingleton(sp => new XdsServerContext
        {
            Fsm = sp.GetRequiredService<StateMachine>(),
            Proxies = sp.GetRequiredService<ProxyConfigSource>(),
            Self = sp.GetRequiredService<AgentIdentity>(),
            LoggerFactory = sp.GetRequiredService<ILoggerFactory>(),
            Access = sp.GetRequiredService<ServerRuntime>().Access,
            Streams = sp.GetRequiredService<XdsStreams>(),
        });
        services.AddSingleton(sp => new ServerSetFeed(sp.GetRequiredService<ServerRuntime>()));
        services.AddSingleton(sp => new PublicServicesContext
        {
            Runtime = sp.GetRequiredService<ServerRuntime>(),
            Servers = sp.GetRequiredService<ServerSetFeed>(),
            LoggerFactory = sp.GetRequiredService<ILoggerFactory>(),
            Stopping = sp.GetRequiredService<XdsHostLifetime>().Stopping.Token,
        });
        services.AddSingleton<XdsHostLifetime>();
        services.AddSingleton<XdsGrpcHost>();
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<XdsGrpcHost>());
        return services;
    }
}
