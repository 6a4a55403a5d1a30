using Mesh.Acl;
using Mesh.Acl.Authorization;
using Mesh.Testing;

namespace Mesh.Ui.Tests.Browser;

[Collection(BrowserTestGroup.Name)]
public sealed class AclPageTests
{
    [BrowserFact]
    public async Task Without_a_token_pages_show_403_or_nothing_and_with_a_token_they_work()
    {
        await using var server = await UiServers.StartAsync(config => config with { Acl = new AclConfig { Enabled = true, DefaultPolicy = AclDefaultPolicy.Deny } });
        var management = await AclTestTokens.ManagementAsync(server);
        var webReader = await AclTestTokens.CreateAsync(server, """service "web" { policy = "read" } node_prefix "" { policy = "read" }""");
        await server.RegisterAsync("web", "web-1", 8080, token: management);
        await server.RegisterAsync("secret", "secret-1", 8081, token: management);

        // The UI's own files need no token.
        await using var browser = BrowserSession.Start();
        await browser.GotoAsync(server.Ui("#/cluster"));
        await browser.WaitForAsync("#cluster-raft .denied", "Permission denied (403)");

        await browser.HashAsync("#/services");
        await browser.WaitForAsync("#services-status", "none readable without a token");
        Assert.Equal(0, await browser.CountAsync("#service-rows tr"));

        // A token that may read only "web": only web is rendered.
        await browser.FillAsync("#token-input", webReader);
        await browser.ClickAsync("#token-form button[type=submit]");
        await browser.WaitForAsync("tr[data-name=\"web\"]");
        Assert.Equal(0, await browser.CountAsync("tr[data-name=\"secret\"]"));
        Assert.Equal(0, await browser.CountAsync("tr[data-name=\"consul\"]"));
        await browser.HashAsync("#/cluster");
        await browser.WaitForAsync("#cluster-raft .denied", "403");

        // The management token sees everything; it is kept across a reload (localStorage).
        await browser.FillAsync("#token-input", management);
        await browser.ClickAsync("#token-form button[type=submit]");
        await browser.WaitForAsync("#cluster-leader", server.NodeName);
        await browser.GotoAsync(server.Ui("#/services"));
        await browser.WaitForAsync("tr[data-name=\"secret\"]");
        Assert.Equal(management, (await browser.EvaluateAsync("localStorage.getItem('mesh-ui-token')"))!.GetValue<string>());

        // An unknown token is refused as such.
        await browser.FillAsync("#token-input", Guid.NewGuid().ToString());
        await browser.ClickAsync("#token-form button[type=submit]");
        await browser.WaitForAsync("#services-status .denied", "ACL not found");
    }
}
