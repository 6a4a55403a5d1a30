using Mesh.ProxyCfg;
using Mesh.Xds;
using Mesh.XdsServer.Resources;
using Mesh.XdsServer.Tests.Support;

namespace Mesh.XdsServer.Tests.Resources;

/// <summary>Incremental generation: a snapshot that differs only in endpoints reuses the previous clusters and listeners.</summary>
public sealed class ResourceCacheTests
{
    private static async Task<ConfigSnapshot> NextAsync(ProxyWatch watch)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        return await watch.NextAsync(timeout.Token) ?? throw new InvalidOperationException("proxy removed");
    }

    [Fact]
    public async Task For_OnlyEndpointsChanged_ReusesOtherResourcesAndRegeneratesEndpoints()
    {
        await using var mesh = await XdsMesh.StartWithWebAndDbAsync(XdsMesh.Fast);
        await using var watch = mesh.Xds.Proxies.TryWatch(new ProxyId(XdsMesh.WebNode, XdsMesh.WebProxy))
                                ?? throw new InvalidOperationException("web sidecar not registered");
        var first = await NextAsync(watch);
        var cache = new ResourceCache(new SnapshotEquality());
        var firstResources = cache.For(first);

        await mesh.RegisterDbAsync(7);
        var second = await NextAsync(watch);
        var incremental = cache.For(second, first, firstResources);
        var full = VersionedResourceSet.From(Mesh.EnvoyResources.ResourceGenerator.Generate(second));

        Assert.True(new SnapshotEquality().SameExceptEndpoints(first, second));
        Assert.False(new SnapshotEquality().Same(first, second));
        foreach (var type in new[] { XdsTypeUrls.Cluster, XdsTypeUrls.Listener, XdsTypeUrls.RouteConfiguration })
        {
            Assert.Same(firstResources.Of(type), incremental.Of(type));
        }

        // The reused and regenerated parts equal a full generation, version for version.
        foreach (var (type, resources) in full.ByType)
        {
            Assert.Equal(resources.Select(r => (r.Key, r.Value.Version)), incremental.Of(type).Select(r => (r.Key, r.Value.Version)));
        }

        Assert.NotEqual(firstResources.Of(XdsTypeUrls.ClusterLoadAssignment).Values.Select(r => r.Version),
            incremental.Of(XdsTypeUrls.ClusterLoadAssignment).Values.Select(r => r.Version));
    }
}
