namespace Mesh.Ui.Tests.Browser;

/// <summary>
/// Takes a screenshot of every page with some data in it. With MESH_UI_SCREENSHOTS set to a folder (docs/ui) the
/// pictures land there for the README; otherwise in a temporary folder that is removed.
/// </summary>
[Collection(BrowserTestGroup.Name)]
public sealed class ScreenshotTests
{
    [BrowserFact]
    public async Task Every_page_renders_and_is_photographed()
    {
        var target = Environment.GetEnvironmentVariable("MESH_UI_SCREENSHOTS");
        using var temporary = new Mesh.Testing.TempDirectory();
        var folder = string.IsNullOrEmpty(target) ? temporary.Path : Path.GetFullPath(target);
        Directory.CreateDirectory(folder);

        await using var server = await UiServers.StartAsync();
        await server.PutOkAsync("/v1/config", """{"Kind":"proxy-defaults","Name":"global","Config":{"protocol":"http"}}""");
        await server.RegisterAsync("web", "web-1", 8080, """ "Check":{"TTL":"10m","Status":"passing","Name":"web alive"} """, tags: """["v1","blue"]""");
        await server.RegisterAsync("web", "web-2", 8081, """ "Check":{"TTL":"10m","Status":"warning","Name":"web alive","Notes":"slow"} """, tags: """["v2"]""");
        await server.RegisterAsync("api", "api-1", 9090, """ "Check":{"TTL":"10m","Status":"passing","Name":"api alive"} """);
        await server.RegisterAsync("db", "db-1", 5432, """ "Check":{"TTL":"10m","Status":"critical","Name":"db alive"} """);
        await server.PutOkAsync("/v1/agent/check/fail/service:db-1?note=dial%20tcp%20127.0.0.1:5432:%20connection%20refused", string.Empty);
        await server.PutOkAsync("/v1/agent/service/register",
            """{"Name":"web-sidecar-proxy","ID":"web-1-sidecar-proxy","Kind":"connect-proxy","Port":21000,"Proxy":{"DestinationServiceName":"web","Upstreams":[{"DestinationName":"api","LocalBindPort":9191}]}}""");
        await server.PutOkAsync("/v1/agent/service/register",
            """{"Name":"front-sidecar-proxy","ID":"front-sidecar-proxy","Kind":"connect-proxy","Port":21001,"Proxy":{"DestinationServiceName":"front","Upstreams":[{"DestinationName":"web","LocalBindPort":9192}]}}""");
        await server.PutOkAsync("/v1/connect/intentions/exact?source=web&destination=api", """{"Action":"allow","Description":"front end to API"}""");
        await server.PutOkAsync("/v1/connect/intentions/exact?source=api&destination=db", """{"Action":"allow"}""");
        await server.PutOkAsync("/v1/connect/intentions/exact?source=*&destination=db", """{"Action":"deny","Description":"only the API reads the database"}""");
        await server.PutOkAsync("/v1/config", """{"Kind":"service-resolver","Name":"web","Subsets":{"v1":{"Filter":"v1 in Service.Tags"},"v2":{"Filter":"v2 in Service.Tags"}}}""");
        await server.PutOkAsync("/v1/config", """{"Kind":"service-splitter","Name":"web","Splits":[{"Weight":90,"ServiceSubset":"v1"},{"Weight":10,"ServiceSubset":"v2"}]}""");
        await server.PutOkAsync("/v1/config", """{"Kind":"service-router","Name":"web","Routes":[{"Match":{"HTTP":{"PathPrefix":"/api"}},"Destination":{"Service":"api"}}]}""");

        // One root rotation, so the CA page shows a history.
        await server.PutOkAsync("/v1/connect/ca/configuration", """{"Provider":"consul","Config":{"PrivateKeyType":"ec","PrivateKeyBits":384}}""");

        await using var browser = BrowserSession.Start();
        var pages = new (string Name, string Hash)[]
        {
            ("services", "#/services"), ("service", "#/services/web"), ("nodes", "#/nodes"), ("node", $"#/nodes/{server.NodeName}"), ("intentions", "#/intentions"),
            ("config-entries", "#/config/service-resolver"), ("connect-ca", "#/ca"), ("cluster", "#/cluster"),
        };
        foreach (var (name, hash) in pages)
        {
            await browser.GotoAsync(server.Ui(hash));
            await browser.WaitForAsync("main[data-loaded]");
            if (name == "service")
            {
                await browser.WaitForAsync("#chain svg g.router");
                await browser.WaitForAsync("#instances .instance");
                await browser.WaitForAsync("#proxies li");
                await browser.WaitForAsync("#upstreams li");
            }

            if (name == "connect-ca")
            {
                await browser.WaitForAsync("#ca-history");
            }

            if (name == "node")
            {
                await browser.WaitForAsync("#node-checks li");
            }

            if (name == "cluster")
            {
                await browser.WaitForAsync("#cluster-healthy");
            }

            var file = Path.Combine(folder, name + ".png");
            await browser.ScreenshotAsync(file, fullPage: name is "service" or "node");
            Assert.True(new FileInfo(file).Length > 1000, $"{file} is empty");
        }

        await browser.ViewportAsync(390, 800);
        await browser.GotoAsync(server.Ui("#/services"));
        await browser.WaitForAsync("main[data-loaded]");
        await browser.ScreenshotAsync(Path.Combine(folder, "services-narrow.png"));
        Assert.Empty(await browser.ErrorsAsync());
    }
}
