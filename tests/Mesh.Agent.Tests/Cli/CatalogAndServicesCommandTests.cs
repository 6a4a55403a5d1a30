using Mesh.Testing;

namespace Mesh.Agent.Tests.Cli;

/// <summary>The HTTP-backed commands against a real server, addressed with <c>-http-addr</c>.</summary>
public sealed class CatalogAndServicesCommandTests
{
    [Fact]
    public async Task ServicesRegister_FromFlags_RegistersWithTagsMetaAndPort()
    {
        await using var server = await TestServer.StartAsync();
        var addr = server.Http.BaseAddress!.ToString();

        var result = await Cli.RunAsync("services", "register", "-http-addr", addr, "-name=web", "-port=80", "-tag=a", "-tag=b", "-meta=k=v", "-meta=team=x=y");
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("Registered service: web", result.Out.Trim());

        var service = await server.GetJsonAsync("/v1/agent/service/web");
        Assert.Equal("web", service.GetProperty("Service").GetString());
        Assert.Equal(80, service.GetProperty("Port").GetInt32());
        Assert.Equal(["a", "b"], service.GetProperty("Tags").EnumerateArray().Select(t => t.GetString()!).ToArray());
        Assert.Equal("v", service.GetProperty("Meta").GetProperty("k").GetString());
        Assert.Equal("x=y", service.GetProperty("Meta").GetProperty("team").GetString());
    }

    [Fact]
    public async Task ServicesRegister_BadMeta_Exits1()
    {
        var result = await Cli.RunAsync("services", "register", "-http-addr", $"127.0.0.1:{FreePort.Next()}", "-name=web", "-meta=novalue");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("-meta \"novalue\" must be key=value", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServicesRegister_FileWithService_Registers()
    {
        await using var server = await TestServer.StartAsync();
        using var dir = new TempDirectory();
        var file = Path.Combine(dir.Path, "web.json");
        await File.WriteAllTextAsync(file, """{"Service":{"Name":"web","ID":"web-1","Port":8080,"Tags":["v1"]}}""");

        var result = await Cli.RunAsync("services", "register", "-http-addr", server.Http.BaseAddress!.ToString(), file);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("Registered service: web", result.Out.Trim());
        var service = await server.GetJsonAsync("/v1/agent/service/web-1");
        Assert.Equal(8080, service.GetProperty("Port").GetInt32());
    }

    [Fact]
    public async Task ServicesRegister_FileWithServices_RegistersEach_ThenDeregisterFileRemovesThem()
    {
        await using var server = await TestServer.StartAsync();
        using var dir = new TempDirectory();
        var file = Path.Combine(dir.Path, "many.json");
        await File.WriteAllTextAsync(file, """{"Services":[{"Name":"api","Port":1},{"Name":"db","ID":"db-1","Port":2}]}""");
        var addr = server.Http.BaseAddress!.ToString();

        var result = await Cli.RunAsync("services", "register", "-http-addr", addr, file);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["Registered service: api", "Registered service: db"], Cli.Lines(result.Out));
        var services = await server.GetJsonAsync("/v1/agent/services");
        Assert.True(services.TryGetProperty("api", out _));
        Assert.True(services.TryGetProperty("db-1", out _));

        var removed = await Cli.RunAsync("services", "deregister", "-http-addr", addr, file);
        Assert.Equal(0, removed.ExitCode);
        Assert.Equal(["Deregistered service: api", "Deregistered service: db-1"], Cli.Lines(removed.Out));
        Assert.Empty((await server.GetJsonAsync("/v1/agent/services")).EnumerateObject());
    }

    [Fact]
    public async Task ServicesRegister_FileOfWrongShape_Exits1()
    {
        using var dir = new TempDirectory();
        var file = Path.Combine(dir.Path, "bad.json");
        await File.WriteAllTextAsync(file, """{"Name":"web"}""");
        var result = await Cli.RunAsync("services", "register", "-http-addr", $"127.0.0.1:{FreePort.Next()}", file);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("expected \"Service\"", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServicesRegister_NeitherFileNorName_Exits1()
    {
        var result = await Cli.RunAsync("services", "register");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Give a service definition file or -name", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ServicesDeregister_ById_RemovesService()
    {
        await using var server = await TestServer.StartAsync();
        var addr = server.Http.BaseAddress!.ToString();
        Assert.Equal(0, (await Cli.RunAsync("services", "register", "-http-addr", addr, "-name=web", "-id=web-2")).ExitCode);

        var result = await Cli.RunAsync("services", "deregister", "-http-addr", addr, "-id=web-2");
        Assert.Equal(0, result.ExitCode);
        Assert.Equal("Deregistered service: web-2", result.Out.Trim());
        using var response = await server.Http.GetAsync("/v1/agent/service/web-2");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task ServicesDeregister_UnknownId_Exits1WithServerMessage()
    {
        await using var server = await TestServer.StartAsync();
        var result = await Cli.RunAsync("services", "deregister", "-http-addr", server.Http.BaseAddress!.ToString(), "-id=nope");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Unexpected response code: 404", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CatalogServices_WithTags_ListsSortedNamesAndTags()
    {
        await using var server = await TestServer.StartAsync();
        var addr = server.Http.BaseAddress!.ToString();
        Assert.Equal(0, (await Cli.RunAsync("services", "register", "-http-addr", addr, "-name=web", "-tag=v1", "-tag=blue")).ExitCode);
        Assert.Equal(0, (await Cli.RunAsync("services", "register", "-http-addr", addr, "-name=db")).ExitCode);

        var plain = await Cli.RunAsync("catalog", "services", "-http-addr", addr);
        Assert.Equal(0, plain.ExitCode);
        Assert.Equal(["consul", "db", "web"], Cli.Lines(plain.Out)); // the server lists itself, as Consul

        var tagged = await Cli.RunAsync("catalog", "services", "-http-addr", addr, "-tags");
        Assert.Equal(0, tagged.ExitCode);
        var lines = tagged.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.Equal("consul", lines[0].TrimEnd());
        Assert.Equal("db", lines[1].TrimEnd());
        Assert.Matches("^web  +(blue,v1|v1,blue)$", lines[2]);
    }

    [Fact]
    public async Task CatalogServices_ForNode_ListsThatNodesServices()
    {
        await using var server = await TestServer.StartAsync();
        var addr = server.Http.BaseAddress!.ToString();
        Assert.Equal(0, (await Cli.RunAsync("services", "register", "-http-addr", addr, "-name=cache")).ExitCode);

        var result = await Cli.RunAsync("catalog", "services", "-http-addr", addr, "-node", server.NodeName);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["cache", "consul"], Cli.Lines(result.Out));

        var missing = await Cli.RunAsync("catalog", "services", "-http-addr", addr, "-node", "no-such-node");
        Assert.Equal(1, missing.ExitCode);
    }

    [Fact]
    public async Task CatalogNodes_ListsServerNodeInATable()
    {
        await using var server = await TestServer.StartAsync();
        var result = await Cli.RunAsync("catalog", "nodes", "-http-addr", server.Http.BaseAddress!.ToString());
        Assert.Equal(0, result.ExitCode);
        var lines = Cli.Lines(result.Out);
        Assert.Equal(2, lines.Length);
        Assert.Matches("^Node +ID +Address +DC$", lines[0]);
        var node = await server.GetJsonAsync($"/v1/catalog/node/{server.NodeName}");
        var id = node.GetProperty("Node").GetProperty("ID").GetString()!;
        Assert.Matches($"^{server.NodeName} +{id.Split('-')[0]} +127\\.0\\.0\\.1 +dc1$", lines[1]);
    }

    [Fact]
    public async Task CatalogNodes_ForService_ListsOnlyNodesRunningIt()
    {
        await using var server = await TestServer.StartAsync();
        var addr = server.Http.BaseAddress!.ToString();
        using (var register = await server.PutJsonAsync("/v1/catalog/register", """{"Node":"ext-1","Address":"127.0.0.9","Service":{"Service":"legacy","Port":1}}"""))
        {
            Assert.True(register.IsSuccessStatusCode);
        }

        var result = await Cli.RunAsync("catalog", "nodes", "-http-addr", addr, "-service=legacy");
        Assert.Equal(0, result.ExitCode);
        var lines = Cli.Lines(result.Out);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("ext-1 ", lines[1], StringComparison.Ordinal);
        Assert.Contains("127.0.0.9", lines[1], StringComparison.Ordinal);

        var all = await Cli.RunAsync("catalog", "nodes", "-http-addr", addr);
        Assert.Equal(3, Cli.Lines(all.Out).Length);
    }
}
