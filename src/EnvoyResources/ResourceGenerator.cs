using Mesh.ProxyCfg;

namespace Mesh.EnvoyResources;

/// <summary>Turns a proxy snapshot into its Envoy clusters, endpoints, listeners and routes (Consul's <c>ResourceGenerator</c>).</summary>
public static class ResourceGenerator
{
    public static EnvoyResourceSet Generate(ConfigSnapshot snapshot) => throw new NotImplementedException(snapshot.Kind);
}
