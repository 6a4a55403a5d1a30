using System.Diagnostics;
using System.Text.Json;
using Mesh.Api.Tests.Support;
using Mesh.Testing;

namespace Mesh.Api.Tests.Agent;

public sealed class TtlExpiryTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private readonly TestServer _server = fixture.Server;

    [Fact]
    public async Task TtlCheck_NoHeartbeat_TurnsCriticalWithTtlExpired()
    {
        var name = Unique.Name("ttl");
        var checkId = $"service:{name}";
        await _server.PutOkAsync("/v1/agent/service/register", $$$"""{"Name":"{{{name}}}","Port":80,"Check":{"TTL":"1s"}}""");

        // The clock starts before the heartbeat, so the check cannot expire before it reads 1 s.
        var clock = Stopwatch.StartNew();
        await _server.PutOkAsync($"/v1/agent/check/pass/{checkId}?note=alive");

        // Poll (bounded) until the leader expires the check; expiry is checked every 250 ms.
        JsonElement check;
        do
        {
            await Task.Delay(100);
            check = (await _server.GetOkJsonAsync("/v1/agent/checks")).GetProperty(checkId);
        }
        while (check.GetProperty("Status").GetString() != "critical" && clock.Elapsed < TimeSpan.FromSeconds(10));

        Assert.Equal("critical", check.GetProperty("Status").GetString());
        Assert.Equal("TTL expired", check.GetProperty("Output").GetString());
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(950), $"expired after only {clock.Elapsed}");
        var health = (await _server.GetOkJsonAsync($"/v1/health/checks/{name}")).EnumerateArray().Single();
        Assert.Equal("TTL expired", health.GetProperty("Output").GetString());
        Assert.Equal(0, (await _server.GetOkJsonAsync($"/v1/health/service/{name}?passing")).GetArrayLength());
    }

    [Fact]
    public async Task TtlCheck_HeartbeatsWithinTtl_StaysPassing()
    {
        var name = Unique.Name("ttl");
        var checkId = $"service:{name}";
        await _server.PutOkAsync("/v1/agent/service/register", $$$"""{"Name":"{{{name}}}","Port":80,"Check":{"TTL":"2s"}}""");

        // Heartbeat every 400 ms for 3 s: longer than the TTL, so only the heartbeats keep it passing.
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(3))
        {
            await _server.PutOkAsync($"/v1/agent/check/pass/{checkId}");
            await Task.Delay(400);
        }

        var check = (await _server.GetOkJsonAsync("/v1/agent/checks")).GetProperty(checkId);
        Assert.Equal("passing", check.GetProperty("Status").GetString());
    }
}
