using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Mesh.Api.Hosting;

public static class ApiServiceCollectionExtensions
{
    /// <summary>Adds the Consul-compatible HTTP API on top of a server core registered with <c>AddMeshServer</c>.</summary>
    public static IServiceCollection AddMeshApi(this IServiceCollection services, MeshApiOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton<MeshApiHost>();
        services.AddSingleton<IHostedService>(sp => sp.GetRequiredService<MeshApiHost>());
        return services;
    }
}
