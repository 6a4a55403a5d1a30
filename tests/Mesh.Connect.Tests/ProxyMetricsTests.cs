using Mesh.ConnectProxy;

namespace Mesh.Connect.Tests;

public sealed class ProxyMetricsTests
{
    [Fact]
    public void Render_IsPrometheusText_WithLabels()
    {
        var metrics = new ProxyMetrics();
        metrics.Connection("public");
        metrics.Bytes("public", "in", 10);
        metrics.Bytes("public", "in", 5);
        metrics.Refused("upstream:db:127.0.0.1:9191", "no_healthy_instances");
        var text = metrics.Render();
        Assert.Contains("# TYPE mesh_connect_proxy_connections_total counter\n", text, StringComparison.Ordinal);
        Assert.Contains("mesh_connect_proxy_connections_total{listener=\"public\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("mesh_connect_proxy_bytes_total{listener=\"public\",direction=\"in\"} 15\n", text, StringComparison.Ordinal);
        Assert.Contains("mesh_connect_proxy_refused_total{listener=\"upstream:db:127.0.0.1:9191\",reason=\"no_healthy_instances\"} 1\n", text, StringComparison.Ordinal);
        Assert.Equal(15, metrics.Value("mesh_connect_proxy_bytes_total", "public", ("direction", "in")));
    }
}
