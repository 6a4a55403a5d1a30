namespace Mesh.Ui.Tests.Browser;

[Collection(BrowserTestGroup.Name)]
public sealed class NodesPageTests
{
    [BrowserFact]
    public async Task Each_node_lists_its_services_and_its_page_shows_every_check_live()
    {
        await using var server = await UiServers.StartAsync();
        await server.RegisterAsync("web", "web-1", 8080, """ "Check":{"TTL":"10m","Status":"passing","Name":"web alive"} """);
        await server.PutOkAsync("/v1/catalog/register",
            """{"Node":"edge-1","Address":"10.9.0.1","NodeMeta":{"rack":"r7"},"Service":{"Service":"gateway","ID":"gateway-1","Port":443},"Check":{"CheckID":"edge-ping","Name":"edge ping","Status":"passing","Output":"pong"}}""");
        await using var browser = BrowserSession.Start();
        await browser.GotoAsync(server.Ui("#/nodes"));

        await browser.WaitForAsync($"tr[data-node=\"{server.NodeName}\"] .node-services [data-service=\"web\"]");
        await browser.WaitForAsync("tr[data-node=\"edge-1\"] .node-services [data-service=\"gateway\"]");
        Assert.Equal(0, await browser.CountAsync("tr[data-node=\"edge-1\"] [data-service=\"web\"]"));

        // A service registered later shows up on its node's row without a reload (a registration sets the node's meta too).
        await server.PutOkAsync("/v1/catalog/register", """{"Node":"edge-1","Address":"10.9.0.1","NodeMeta":{"rack":"r7"},"Service":{"Service":"metrics","ID":"metrics-1","Port":9100}}""");
        await browser.WaitForAsync("tr[data-node=\"edge-1\"] [data-service=\"metrics\"]");

        // The node's page: facts, instances and every check with its output; a check turning critical shows live.
        await browser.ClickAsync("tr[data-node=\"edge-1\"] td:first-child a");
        await browser.WaitForAsync("h1", "edge-1");
        await browser.WaitForAsync("#node-address", "10.9.0.1");
        Assert.Contains("rack=r7", await browser.TextAsync("#node-facts"));
        await browser.WaitForAsync("#node-services tr[data-instance=\"gateway-1\"]", "passing");
        await browser.WaitForAsync("#node-services tr[data-instance=\"metrics-1\"]");
        await browser.WaitForAsync("#node-checks li[data-check=\"edge-ping\"][data-status=\"passing\"]", "pong");

        await server.PutOkAsync("/v1/catalog/register",
            """{"Node":"edge-1","Address":"10.9.0.1","NodeMeta":{"rack":"r7"},"Check":{"CheckID":"edge-ping","Name":"edge ping","Status":"critical","Output":"no route to host"}}""");
        await browser.WaitForAsync("#node-checks li[data-check=\"edge-ping\"][data-status=\"critical\"]", "no route to host");
        await browser.WaitForAsync("#node-services tr[data-instance=\"gateway-1\"]", "critical"); // a node check decides its instances

        await browser.HashAsync("#/nodes/no-such-node");
        await browser.WaitForAsync("#node-facts", "No node named no-such-node");
        Assert.Empty(await browser.ErrorsAsync());
    }
}
