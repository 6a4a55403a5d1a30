using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Mesh.Agent.Cli;
using Mesh.Testing;

namespace Mesh.Connect.Tests.Support;

/// <summary>
/// A Mesh server, a plain echo backend, web and db registered with sidecars, and two real <c>mesh connect proxy</c>
/// processes (<c>-sidecar-for web</c>, <c>-sidecar-for db</c>): client -> web's upstream listener -> mTLS -> db's
/// public listener -> backend.
/// </summary>
public sealed class ProxyPairFixture : IAsyncLifetime
{
    public TestServer Server { get; private set; } = null!;

    public EchoBackend Backend { get; } = new();

    public MeshProcess WebProxy { get; private set; } = null!;

    public MeshProcess DbProxy { get; private set; } = null!;

    public int UpstreamPort { get; } = FreePort.Next();

    public int DbPublicPort { get; } = FreePort.Next();

    public int WebPublicPort { get; } = FreePort.Next();

    public int DbMetricsPort { get; } = FreePort.Next();

    public int WebMetricsPort { get; } = FreePort.Next();

    public string Output => $"--- web proxy ---\n{WebProxy.Output}\n--- db proxy ---\n{DbProxy.Output}";

    public async Task InitializeAsync()
    {
        Server = await TestServer.StartAsync();
        await Server.PutOkAsync("/v1/agent/service/register", $$$"""
            {"Name":"db","ID":"db","Address":"127.0.0.1","Port":{{{Backend.Port}}},
             "Connect":{"SidecarService":{"Address":"127.0.0.1","Port":{{{DbPublicPort}}},
               "Proxy":{"Config":{"envoy_prometheus_bind_addr":"127.0.0.1:{{{DbMetricsPort}}}","handshake_timeout_ms":5000} } } } }
            """);
        await Server.PutOkAsync("/v1/agent/service/register", $$$"""
            {"Name":"web","ID":"web","Address":"127.0.0.1","Port":{{{FreePort.Next()}}},
             "Connect":{"SidecarService":{"Address":"127.0.0.1","Port":{{{WebPublicPort}}},
               "Proxy":{"Config":{"envoy_prometheus_bind_addr":"127.0.0.1:{{{WebMetricsPort}}}"},
                        "Upstreams":[{"DestinationName":"db","LocalBindPort":{{{UpstreamPort}}},"Config":{"connect_timeout_ms":5000} }] } } } }
            """);
        var meshDll = typeof(CommandLine).Assembly.Location;
        var http = Server.Server.HttpAddress.ToString();
        DbProxy = new MeshProcess(meshDll, ["connect", "proxy", "-sidecar-for", "db", "-http-addr", http, "-log-level", "debug"], Server.Server.HttpAddress.Port);
        WebProxy = new MeshProcess(meshDll, ["connect", "proxy", "-sidecar-for=web", $"-http-addr={http}", "-log-level=debug"], Server.Server.HttpAddress.Port);
        DbProxy.Start();
        WebProxy.Start();
        await Wire.EventuallyAsync(async () => await TryMetricsAsync(DbMetricsPort) is not null && await TryMetricsAsync(WebMetricsPort) is not null,
            TimeSpan.FromSeconds(120), "both proxies to serve metrics");
        await Server.WaitHealthyConnectAsync("db", seconds: 90);
    }

    public static async Task<string?> TryMetricsAsync(int port)
    {
        try
        {
            using var bounded = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync("127.0.0.1", port, bounded.Token);
            await socket.SendAsync(Encoding.ASCII.GetBytes("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"), bounded.Token);
            var text = new StringBuilder();
            var buffer = new byte[8192];
            int n;
            while ((n = await socket.ReceiveAsync(buffer, bounded.Token)) > 0)
            {
                text.Append(Encoding.UTF8.GetString(buffer, 0, n));
            }

            return text.ToString();
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>The value of one Prometheus series (exact name with labels), 0 when absent.</summary>
    public static async Task<long> MetricAsync(int port, string series)
    {
        var text = await TryMetricsAsync(port) ?? string.Empty;
        var line = text.Split('\n').FirstOrDefault(l => l.StartsWith(series + " ", StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line[(series.Length + 1)..].Trim(), CultureInfo.InvariantCulture);
    }

    public async Task DisposeAsync()
    {
        await WebProxy.DisposeAsync();
        await DbProxy.DisposeAsync();
        await Backend.DisposeAsync();
        await Server.DisposeAsync();
    }
}
