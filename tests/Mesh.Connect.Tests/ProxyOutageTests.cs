using Mesh.Connect.Tests.Support;
using Mesh.ConnectProxy;
using Mesh.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Mesh.Connect.Tests;

/// <summary>The proxy (run in process, dev mode) with the server away, then back: it refuses clearly, keeps running, recovers.</summary>
public sealed class ProxyOutageTests
{
    [Fact]
    public async Task ServerDownThenUp_NoHealthyInstance_ThenDbRegisters_TheProxyRecoversWithoutRestart()
    {
        var httpPort = FreePort.Next();
        var api = new ConnectApiOptions { Address = new Uri($"http://127.0.0.1:{httpPort}"), BlockingWait = TimeSpan.FromSeconds(30) };
        var upstreamPort = FreePort.Next();
        var upstreamListener = $"upstream:db:127.0.0.1:{upstreamPort}";
        using var stop = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var webStarted = new TaskCompletionSource<ConnectProxyRunner>();
        var web = new ProxyCommandOptions { Api = api, Service = "web", Upstreams = [$"db:{upstreamPort}"] }
            .RunAsync(NullLoggerFactory.Instance, runner => webStarted.TrySetResult(runner), stop.Token);
        var webProxy = await webStarted.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var payload = Wire.Payload(2000);

        // No server: the leaf cannot be fetched; the connection is closed and counted, the proxy keeps running.
        Assert.Empty(await Wire.RoundTripAsync(upstreamPort, payload));
        Assert.True(webProxy.Metrics.Value("mesh_connect_proxy_refused_total", upstreamListener, ("reason", "not_ready")) >= 1);
        Assert.False(web.IsCompleted);

        await using var server = await TestServer.StartAsync(config => config with { HttpPort = httpPort });
        await Wire.EventuallyAsync(() => Task.FromResult(webProxy.Service?.Ready.IsCompletedSuccessfully == true), TimeSpan.FromSeconds(60), "web's proxy to fetch its leaf");

        // Server up, db not registered: no healthy instance.
        await Wire.EventuallyAsync(async () =>
        {
            _ = await Wire.RoundTripAsync(upstreamPort, payload);
            return webProxy.Metrics.Value("mesh_connect_proxy_refused_total", upstreamListener, ("reason", "no_healthy_instances")) >= 1;
        }, TimeSpan.FromSeconds(30), "a refusal for no healthy instance");

        // db's proxy in dev mode registers itself (-register); the next connection from web goes through.
        await using var backend = new EchoBackend();
        var dbPort = FreePort.Next();
        var db = new ProxyCommandOptions { Api = api, Service = "db", Listen = $"127.0.0.1:{dbPort}", ServiceAddress = $"127.0.0.1:{backend.Port}", Register = true }
            .RunAsync(NullLoggerFactory.Instance, null, stop.Token);
        await server.WaitHealthyConnectAsync("db");
        await Wire.EventuallyAsync(async () => (await Wire.RoundTripAsync(upstreamPort, payload)).SequenceEqual(payload),
            TimeSpan.FromSeconds(60), "the upstream to reach db after recovery");

        await stop.CancelAsync();
        await Task.WhenAll(web, db);
        // -register deregisters on exit.
        Assert.Equal(0, (await server.GetJsonAsync("/v1/health/connect/db")).GetArrayLength());
    }
}
