using System.Diagnostics;
using Mesh.Api.Tests.Support;
using Mesh.Testing;

namespace Mesh.Api.Tests.Http;

public sealed class BlockingQueryTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    /// <summary>Generous bound for "returns promptly": far above any real latency, only there so a bug cannot hang the suite.</summary>
    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(10);

    private readonly TestServer _server = fixture.Server;

    private static async Task AssertStillParkedAsync(Task<ApiResult> query, TimeSpan forAtLeast)
    {
        var finished = await Task.WhenAny(query, Task.Delay(forAtLeast));
        Assert.True(finished != query, $"The blocking query returned early: {(query.IsCompletedSuccessfully ? query.Result.Body : query.Status.ToString())}");
    }

    [Fact]
    public async Task Service_WatchedServiceChanges_WakesWithHigherIndexAndNewBody()
    {
        var web = Unique.Name("web");
        var node = Unique.Name("node");
        await _server.RegisterCatalogServiceAsync(node, web, port: 1000);
        var first = (await _server.GetAsync($"/v1/catalog/service/{web}")).ExpectOk();
        var blocked = _server.GetAsync($"/v1/catalog/service/{web}?index={first.Index}&wait=60s");
        await AssertStillParkedAsync(blocked, TimeSpan.FromMilliseconds(200));

        await _server.RegisterCatalogServiceAsync(node, web, port: 2000);

        var woken = (await blocked.WaitAsync(Prompt)).ExpectOk();
        Assert.True(woken.Index > first.Index, $"index {woken.Index} should be above {first.Index}");
        Assert.NotEqual(first.Body, woken.Body);
        Assert.Equal(2000, Assert.Single(woken.Json.EnumerateArray()).GetProperty("ServicePort").GetInt32());
    }

    [Fact]
    public async Task Service_UnrelatedServiceChanges_StaysParkedUntilWatchedServiceChanges()
    {
        var web = Unique.Name("web");
        var db = Unique.Name("db");
        var node = Unique.Name("node");
        await _server.RegisterCatalogServiceAsync(node, web, port: 1000);
        var first = (await _server.GetAsync($"/v1/catalog/service/{web}")).ExpectOk();
        var blocked = _server.GetAsync($"/v1/catalog/service/{web}?index={first.Index}&wait=60s");

        await _server.RegisterCatalogServiceAsync(node, db, port: 5432);
        await _server.RegisterCatalogServiceAsync(Unique.Name("node"), db, port: 5433);

        await AssertStillParkedAsync(blocked, TimeSpan.FromSeconds(1));
        Assert.Equal(first.Index, (await _server.GetAsync($"/v1/catalog/service/{web}")).ExpectOk().Index);

        await _server.RegisterCatalogServiceAsync(node, web, port: 1001, tags: ["changed"]);

        var woken = (await blocked.WaitAsync(Prompt)).ExpectOk();
        Assert.True(woken.Index > first.Index);
        Assert.Equal(["changed"], Assert.Single(woken.Json.EnumerateArray()).GetProperty("ServiceTags").Strings());
    }

    [Fact]
    public async Task HealthService_CheckStatusChanges_WakesBlockedQuery()
    {
        var name = Unique.Name("svc");
        await _server.PutOkAsync("/v1/agent/service/register", $$$"""{"Name":"{{{name}}}","Port":80,"Check":{"TTL":"10m"}}""");
        var first = (await _server.GetAsync($"/v1/health/service/{name}?passing")).ExpectOk();
        Assert.Equal("[]", first.Body);
        var blocked = _server.GetAsync($"/v1/health/service/{name}?passing&index={first.Index}&wait=60s");
        await AssertStillParkedAsync(blocked, TimeSpan.FromMilliseconds(200));

        await _server.PutOkAsync($"/v1/agent/check/pass/service:{name}");

        var woken = (await blocked.WaitAsync(Prompt)).ExpectOk();
        Assert.True(woken.Index > first.Index);
        Assert.Equal(1, woken.Json.GetArrayLength());
    }

    [Fact]
    public async Task Services_NewService_WakesBlockedServicesQuery()
    {
        var first = (await _server.GetAsync("/v1/catalog/services")).ExpectOk();
        var blocked = _server.GetAsync($"/v1/catalog/services?index={first.Index}&wait=60s");
        var web = Unique.Name("web");

        await _server.RegisterCatalogServiceAsync(Unique.Name("node"), web);

        var woken = (await blocked.WaitAsync(Prompt)).ExpectOk();
        Assert.True(woken.Index > first.Index);
        Assert.Contains(web, woken.Json.Names());
    }

    [Fact]
    public async Task Service_NoChangeWithShortWait_ReturnsAfterWaitWithSameIndex()
    {
        var web = Unique.Name("web");
        await _server.RegisterCatalogServiceAsync(Unique.Name("node"), web);
        var first = (await _server.GetAsync($"/v1/catalog/service/{web}")).ExpectOk();

        var clock = Stopwatch.StartNew();
        var result = (await _server.GetAsync($"/v1/catalog/service/{web}?index={first.Index}&wait=1s").WaitAsync(Prompt)).ExpectOk();
        clock.Stop();

        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(900), TimeSpan.FromSeconds(5));
        Assert.Equal(first.Index, result.Index);
        Assert.Equal(first.Body, result.Body);
    }

    [Fact]
    public async Task Service_IndexZero_IsNotBlocking()
    {
        var web = Unique.Name("web");
        await _server.RegisterCatalogServiceAsync(Unique.Name("node"), web);

        var result = (await _server.GetAsync($"/v1/catalog/service/{web}?index=0&wait=60s").WaitAsync(Prompt)).ExpectOk();

        Assert.Equal(1, result.Json.GetArrayLength());
        Assert.True(result.Index >= 1);
    }

    [Fact]
    public async Task Service_IndexBelowCurrent_ReturnsAtOnceEvenWithTwentyMinuteWait()
    {
        var web = Unique.Name("web");
        await _server.RegisterCatalogServiceAsync(Unique.Name("node"), web);
        var current = (await _server.GetAsync($"/v1/catalog/service/{web}")).ExpectOk().Index;

        var result = (await _server.GetAsync($"/v1/catalog/service/{web}?index={current - 1}&wait=20m").WaitAsync(Prompt)).ExpectOk();

        Assert.Equal(current, result.Index);
    }

    [Fact]
    public async Task Query_ClientDisconnects_ServerKeepsServing()
    {
        var web = Unique.Name("web");
        await _server.RegisterCatalogServiceAsync(Unique.Name("node"), web);
        var index = (await _server.GetAsync($"/v1/catalog/service/{web}")).ExpectOk().Index;
        using (var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200)))
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _server.GetAsync($"/v1/catalog/service/{web}?index={index}&wait=60s", cancel.Token));
        }

        Assert.Equal(1, (await _server.GetOkJsonAsync($"/v1/catalog/service/{web}")).GetArrayLength());
    }

    [Fact]
    public async Task Service_NodeAddressChanges_WakesServiceQuery()
    {
        var web = Unique.Name("web");
        var node = Unique.Name("node");
        await _server.RegisterCatalogServiceAsync(node, web, address: "127.0.0.30");
        var first = (await _server.GetAsync($"/v1/catalog/service/{web}")).ExpectOk();
        var blocked = _server.GetAsync($"/v1/catalog/service/{web}?index={first.Index}&wait=60s");
        await AssertStillParkedAsync(blocked, TimeSpan.FromMilliseconds(200));

        await _server.PutOkAsync("/v1/catalog/register", $$$"""{"Node":"{{{node}}}","Address":"127.0.0.31"}""");

        var woken = (await blocked.WaitAsync(Prompt)).ExpectOk();
        Assert.True(woken.Index > first.Index);
        Assert.Equal("127.0.0.31", Assert.Single(woken.Json.EnumerateArray()).GetProperty("Address").GetString());
    }

    [Fact]
    public async Task Service_NodeDeregistered_WakesWithEmptyResult()
    {
        var web = Unique.Name("web");
        var node = Unique.Name("node");
        await _server.RegisterCatalogServiceAsync(node, web);
        var first = (await _server.GetAsync($"/v1/catalog/service/{web}")).ExpectOk();
        var blocked = _server.GetAsync($"/v1/catalog/service/{web}?index={first.Index}&wait=60s");
        await AssertStillParkedAsync(blocked, TimeSpan.FromMilliseconds(200));

        await _server.PutOkAsync("/v1/catalog/deregister", $$$"""{"Node":"{{{node}}}"}""");

        var woken = (await blocked.WaitAsync(Prompt)).ExpectOk();
        Assert.True(woken.Index > first.Index);
        Assert.Equal("[]", woken.Body);
    }

    [Fact]
    public async Task HealthService_NodeLevelCheckChanges_WakesBlockedQuery()
    {
        var web = Unique.Name("web");
        var node = Unique.Name("node");
        await _server.RegisterCatalogServiceAsync(node, web, extraNodeJson: ""","Check":{"CheckID":"node-health","Name":"node","Status":"passing"}""");
        var first = (await _server.GetAsync($"/v1/health/service/{web}?passing")).ExpectOk();
        Assert.Equal(1, first.Json.GetArrayLength());
        var blocked = _server.GetAsync($"/v1/health/service/{web}?passing&index={first.Index}&wait=60s");
        await AssertStillParkedAsync(blocked, TimeSpan.FromMilliseconds(200));

        await _server.PutOkAsync("/v1/catalog/register", $$$"""
            {"Node":"{{{node}}}","Address":"127.0.0.2","Check":{"CheckID":"node-health","Name":"node","Status":"critical"}}
            """);

        var woken = (await blocked.WaitAsync(Prompt)).ExpectOk();
        Assert.True(woken.Index > first.Index);
        Assert.Equal("[]", woken.Body);
    }

    [Fact]
    public async Task HealthConnect_ProxyRegistered_WakesBlockedQuery()
    {
        var web = Unique.Name("web");
        var first = (await _server.GetAsync($"/v1/health/connect/{web}")).ExpectOk();
        var blocked = _server.GetAsync($"/v1/health/connect/{web}?index={first.Index}&wait=60s");
        await AssertStillParkedAsync(blocked, TimeSpan.FromMilliseconds(200));

        await _server.RegisterCatalogServiceAsync(Unique.Name("node"), $"{web}-sidecar-proxy", port: 21000,
            extraServiceJson: $$$""","Kind":"connect-proxy","Proxy":{"DestinationServiceName":"{{{web}}}"}""");

        var woken = (await blocked.WaitAsync(Prompt)).ExpectOk();
        Assert.True(woken.Index > first.Index);
        Assert.Equal($"{web}-sidecar-proxy", Assert.Single(woken.Json.EnumerateArray()).GetProperty("Service").GetProperty("Service").GetString());
    }
}
