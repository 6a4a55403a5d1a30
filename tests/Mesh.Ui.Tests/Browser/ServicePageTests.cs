namespace Mesh.Ui.Tests.Browser;

[Collection(BrowserTestGroup.Name)]
public sealed class ServicePageTests
{
    [BrowserFact]
    public async Task A_service_page_shows_its_checks_and_turns_an_instance_critical_when_its_check_fails()
    {
        await using var server = await UiServers.StartAsync();
        await server.RegisterAsync("web", "web-1", 8080, """ "Check":{"TTL":"10m","Status":"passing","Name":"web alive"} """);
        await server.PutOkAsync("/v1/connect/intentions/exact?source=web&destination=db", """{"Action":"deny"}""");
        await using var browser = BrowserSession.Start();
        await browser.GotoAsync(server.Ui("#/services/web"));

        await browser.WaitForAsync(".instance[data-id=\"web-1\"][data-status=\"passing\"]");
        Assert.Contains("web alive", await browser.TextAsync(".instance[data-id=\"web-1\"] .checks"));
        Assert.Contains("Serf Health Status", await browser.TextAsync(".instance[data-id=\"web-1\"] .checks")); // the node's check counts too
        await browser.WaitForAsync("#upstreams li[data-name=\"db\"][data-allowed=\"false\"][data-source=\"specific-intention\"]", "denied");
        await browser.WaitForAsync("#chain svg g.resolver");
        await browser.WaitForAsync("#chain svg g.target");

        await server.PutOkAsync("/v1/agent/check/fail/service:web-1?note=connection%20refused", string.Empty);
        await browser.WaitForAsync(".instance[data-id=\"web-1\"][data-status=\"critical\"]");
        await browser.WaitForAsync(".instance[data-id=\"web-1\"] pre", "connection refused");
    }

    [BrowserFact]
    public async Task The_discovery_chain_is_drawn_from_routers_through_splitters_and_resolvers_to_targets()
    {
        await using var server = await UiServers.StartAsync();
        await server.RegisterAsync("web", "web-1", 8080, tags: """["v1"]""");
        await server.PutOkAsync("/v1/config", """{"Kind":"proxy-defaults","Name":"global","Config":{"protocol":"http"}}""");
        await server.PutOkAsync("/v1/config", """{"Kind":"service-resolver","Name":"web","Subsets":{"v1":{"Filter":"v1 in Service.Tags"},"v2":{"Filter":"v2 in Service.Tags"}}}""");
        await server.PutOkAsync("/v1/config", """{"Kind":"service-splitter","Name":"web","Splits":[{"Weight":90,"ServiceSubset":"v1"},{"Weight":10,"ServiceSubset":"v2"}]}""");
        await server.PutOkAsync("/v1/config", """{"Kind":"service-router","Name":"web","Routes":[{"Match":{"HTTP":{"PathPrefix":"/admin"}},"Destination":{"Service":"admin"}}]}""");
        await using var browser = BrowserSession.Start();
        await browser.GotoAsync(server.Ui("#/services/web"));

        await browser.WaitForAsync("#chain svg g.router");
        Assert.Equal(1, await browser.CountAsync("#chain svg g.router"));
        Assert.True(await browser.CountAsync("#chain svg g.splitter") >= 1);
        Assert.True(await browser.CountAsync("#chain svg g.resolver") >= 2);
        Assert.True(await browser.CountAsync("#chain svg g.target") >= 3);
        Assert.True(await browser.CountAsync("#chain svg path[data-from^=\"splitter:\"]") >= 2);
        Assert.Contains("90%", await browser.TextAsync("#chain svg"));
        Assert.Equal(1, await browser.CountAsync("#chain svg g.target[data-node^=\"target:admin.\"]")); // the router's destination is a target
    }

    [BrowserFact]
    public async Task Upstreams_and_downstreams_come_from_the_topology_endpoint_with_live_intention_decisions()
    {
        await using var server = await UiServers.StartAsync();
        await server.RegisterAsync("web", "web-1", 8080);
        await server.PutOkAsync("/v1/agent/service/register",
            """{"Name":"web-sidecar-proxy","ID":"web-sidecar-proxy-1","Kind":"connect-proxy","Port":21000,"Proxy":{"DestinationServiceName":"web","Upstreams":[{"DestinationName":"api","LocalBindPort":9191}]}}""");
        await server.PutOkAsync("/v1/agent/service/register",
            """{"Name":"front-sidecar-proxy","ID":"front-sidecar-proxy-1","Kind":"connect-proxy","Port":21001,"Proxy":{"DestinationServiceName":"front","Upstreams":[{"DestinationName":"web","LocalBindPort":9192}]}}""");
        await server.PutOkAsync("/v1/connect/intentions/exact?source=web&destination=api", """{"Action":"deny"}""");
        await using var browser = BrowserSession.Start();
        await browser.GotoAsync(server.Ui("#/services/web"));

        await browser.WaitForAsync("#upstreams li[data-name=\"api\"][data-source=\"proxy-registration\"][data-allowed=\"false\"]", "denied");
        await browser.WaitForAsync("#downstreams li[data-name=\"front\"][data-source=\"proxy-registration\"][data-allowed=\"true\"]", "allowed");
        await browser.WaitForAsync("#proxies li[data-proxy=\"web-sidecar-proxy-1\"]");

        // An intention changed through the API flips the decision on screen, without a reload.
        await server.PutOkAsync("/v1/connect/intentions/exact?source=web&destination=api", """{"Action":"allow"}""");
        await browser.WaitForAsync("#upstreams li[data-name=\"api\"][data-allowed=\"true\"]", "allowed");
        Assert.Empty(await browser.ErrorsAsync());
    }
}
