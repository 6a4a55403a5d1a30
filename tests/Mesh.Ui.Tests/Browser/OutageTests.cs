using Mesh.Testing;

namespace Mesh.Ui.Tests.Browser;

[Collection(BrowserTestGroup.Name)]
public sealed class OutageTests
{
    [BrowserFact]
    public async Task A_server_that_goes_away_shows_a_banner_and_the_page_recovers_when_it_is_back()
    {
        using var dataDir = new TempDirectory();
        var (http, grpc, raft, node) = (FreePort.Next(), FreePort.Next(), FreePort.Next(), "ui-outage");
        Mesh.Agent.Hosting.AgentConfig Same(Mesh.Agent.Hosting.AgentConfig config) => config with { HttpPort = http, GrpcPort = grpc, ServerPort = raft, NodeName = node };

        var server = await UiServers.StartAsync(Same, dataDir.Path);
        await using var browser = BrowserSession.Start();
        try
        {
            await browser.GotoAsync(server.Ui());
            await browser.WaitForAsync("tr[data-name=\"consul\"]");
            Assert.Equal(0, await browser.VisibleCountAsync("#banner"));

            await server.DisposeAsync();
            await browser.WaitForAsync("#banner", "cannot be reached", timeoutMs: 30000);
            Assert.Equal(1, await browser.CountAsync("tr[data-name=\"consul\"]")); // the last answer stays on screen
            await browser.WaitForAsync("#services-status .retrying", "Cannot reach the Mesh server");

            server = await UiServers.StartAsync(Same, dataDir.Path);
            await browser.WaitHiddenAsync("#banner", timeoutMs: 30000);
            await browser.WaitHiddenAsync("#services-status .retrying");
            await server.RegisterAsync("after-outage", "after-outage-1", 9090);
            await browser.WaitForAsync("tr[data-name=\"after-outage\"]");
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    [BrowserFact]
    public async Task A_403_that_later_becomes_a_200_fills_the_page_in_without_a_reload()
    {
        await using var server = await UiServers.StartAsync(config => config with { Acl = new Mesh.Acl.AclConfig { Enabled = true, DefaultPolicy = Mesh.Acl.Authorization.AclDefaultPolicy.Deny } });
        var management = await AclTestTokens.ManagementAsync(server);
        var nodeRead = await server.PutJsonAsync("/v1/acl/policy", """{"Name":"nodes","Rules":"node_prefix \"\" { policy = \"read\" }"}""", management);
        var operatorRead = await server.PutJsonAsync("/v1/acl/policy", """{"Name":"operator","Rules":"operator = \"read\""}""", management);
        var token = await server.PutJsonAsync("/v1/acl/token", $$"""{"Policies":[{"ID":"{{nodeRead.GetProperty("ID").GetString()}}"}]}""", management);

        await using var browser = BrowserSession.Start();
        await browser.GotoAsync(server.Ui("#/cluster"));
        await browser.FillAsync("#token-input", token.GetProperty("SecretID").GetString()!);
        await browser.ClickAsync("#token-form button[type=submit]");
        await browser.WaitForAsync("#cluster-raft .denied.retrying", "Permission denied (403)");
        await browser.EvaluateAsync("window.__sameDocument = 'yes'");

        // The operator grants the token operator:read: the page's watch, still retrying, fills the page in.
        await server.PutJsonAsync($"/v1/acl/token/{token.GetProperty("AccessorID").GetString()}",
            $$"""{"Policies":[{"ID":"{{nodeRead.GetProperty("ID").GetString()}}"},{"ID":"{{operatorRead.GetProperty("ID").GetString()}}"}]}""", management);
        await browser.WaitForAsync("#cluster-leader", server.NodeName, timeoutMs: 30000);
        Assert.Equal(0, await browser.CountAsync("#cluster-raft .denied"));
        Assert.Equal("yes", (await browser.EvaluateAsync("window.__sameDocument"))!.GetValue<string>());
    }
}
