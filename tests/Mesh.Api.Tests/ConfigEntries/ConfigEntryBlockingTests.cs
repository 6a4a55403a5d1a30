using Mesh.Api.Tests.Support;
using Mesh.Testing;

namespace Mesh.Api.Tests.ConfigEntries;

/// <summary>Blocking reads of config entries park on their kind (or entry) and wake only for writes to it.</summary>
public sealed class ConfigEntryBlockingTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(10);

    private readonly TestServer _server = fixture.Server;

    private static async Task AssertStillParkedAsync(Task<ApiResult> query, TimeSpan forAtLeast)
    {
        var finished = await Task.WhenAny(query, Task.Delay(forAtLeast));
        Assert.True(finished != query, $"The blocking query returned early: {(query.IsCompletedSuccessfully ? query.Result.Body : query.Status.ToString())}");
    }

    [Fact]
    public async Task List_WakesOnWriteToItsKindOnly()
    {
        await _server.PutOkAsync("/v1/config", $$"""{"Kind":"service-defaults","Name":"{{Unique.Name("seed")}}"}""");
        var first = (await _server.GetAsync("/v1/config/service-defaults")).ExpectOk();
        var blocked = _server.GetAsync($"/v1/config/service-defaults?index={first.Index}&wait=60s");
        await AssertStillParkedAsync(blocked, TimeSpan.FromMilliseconds(200));

        // Writes to other kinds and to the catalog do not wake it, and do not move its index.
        await _server.PutOkAsync("/v1/config", $$"""{"Kind":"service-intentions","Name":"{{Unique.Name("db")}}","Sources":[{"Name":"web","Action":"allow"}]}""");
        await _server.PutOkAsync("/v1/config", """{"Kind":"proxy-defaults","Name":"global","Config":{"protocol":"tcp"}}""");
        await _server.RegisterCatalogServiceAsync(Unique.Name("node"), Unique.Name("svc"));
        await AssertStillParkedAsync(blocked, TimeSpan.FromSeconds(1));
        Assert.Equal(first.Index, (await _server.GetAsync("/v1/config/service-defaults")).ExpectOk().Index);

        var name = Unique.Name("woke");
        await _server.PutOkAsync("/v1/config", $$"""{"Kind":"service-defaults","Name":"{{name}}","Protocol":"http"}""");

        var woken = (await blocked.WaitAsync(Prompt)).ExpectOk();
        Assert.True(woken.Index > first.Index);
        Assert.Contains(name, woken.Json.EnumerateArray().Select(e => e.GetProperty("Name").GetString()));
    }

    [Fact]
    public async Task Get_WakesWhenTheEntryChanges()
    {
        var name = Unique.Name("one");
        await _server.PutOkAsync("/v1/config", $$"""{"Kind":"service-defaults","Name":"{{name}}","Protocol":"tcp"}""");
        var first = (await _server.GetAsync($"/v1/config/service-defaults/{name}")).ExpectOk();
        var blocked = _server.GetAsync($"/v1/config/service-defaults/{name}?index={first.Index}&wait=60s");

        await _server.PutOkAsync("/v1/config", $$"""{"Kind":"service-defaults","Name":"{{Unique.Name("other")}}"}""");
        await AssertStillParkedAsync(blocked, TimeSpan.FromMilliseconds(500));

        await _server.PutOkAsync("/v1/config", $$"""{"Kind":"service-defaults","Name":"{{name}}","Protocol":"http"}""");

        var woken = (await blocked.WaitAsync(Prompt)).ExpectOk();
        Assert.True(woken.Index > first.Index);
        Assert.Equal("http", woken.Json.GetProperty("Protocol").GetString());
    }
}
