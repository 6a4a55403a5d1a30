namespace Mesh.Ui.Tests.Browser;

[Collection(BrowserTestGroup.Name)]
public sealed class IntentionsPageTests
{
    [BrowserFact]
    public async Task A_deny_intention_created_in_the_page_changes_agent_connect_authorize()
    {
        await using var server = await UiServers.StartAsync();
        await server.RegisterAsync("web", "web-1", 8080);
        await server.RegisterAsync("db", "db-1", 5432);
        Assert.True(await server.AuthorizedAsync("web", "db")); // ACLs off: the default intention policy allows

        await using var browser = BrowserSession.Start();
        await browser.GotoAsync(server.Ui("#/intentions"));
        await browser.WaitForAsync("#intention-form");
        await browser.FillAsync("#intention-source", "web");
        await browser.FillAsync("#intention-destination", "db");
        await browser.SelectAsync("#intention-action", "deny");
        await browser.ClickAsync("#intention-form button[type=submit]");
        await browser.WaitForAsync("#intention-message .ok", "Saved");
        await browser.WaitForAsync("#intention-rows tr[data-source=\"web\"][data-destination=\"db\"]", "deny");

        Assert.False(await server.AuthorizedAsync("web", "db"));

        // The page's own authorize check agrees.
        await browser.FillAsync("#check-source", "web");
        await browser.FillAsync("#check-destination", "db");
        await browser.ClickAsync("#check-form button[type=submit]");
        await browser.WaitForAsync("#check-answer", "Denied");

        // Edit it to allow, then delete it.
        await browser.ClickAsync("#intention-rows tr[data-source=\"web\"] button:text(\"Edit\")");
        await browser.SelectAsync("#intention-action", "allow");
        await browser.ClickAsync("#intention-form button[type=submit]");
        await browser.WaitForAsync("#intention-rows tr[data-source=\"web\"]", "allow");
        Assert.True(await server.AuthorizedAsync("web", "db"));
        await browser.ClickAsync("#intention-rows tr[data-source=\"web\"] button:text(\"Delete\")");
        await browser.WaitForAsync("dialog#confirm-dialog", "web → db");
        await browser.ClickAsync("#confirm-accept");
        await browser.WaitHiddenAsync("#intention-rows tr[data-source=\"web\"]");
        Assert.Empty((await server.GetJsonAsync("/v1/connect/intentions")).EnumerateArray());
    }

    [BrowserFact]
    public async Task Bad_intentions_show_the_servers_error_and_a_missing_service_is_named()
    {
        await using var server = await UiServers.StartAsync();
        await using var browser = BrowserSession.Start();
        await browser.GotoAsync(server.Ui("#/intentions"));
        await browser.WaitForAsync("#intention-form");

        await browser.FillAsync("#intention-source", "team/web");
        await browser.FillAsync("#intention-destination", "db");
        await browser.ClickAsync("#intention-form button[type=submit]");
        await browser.WaitForAsync("#intention-message .error", "namespaces are a Consul Enterprise feature");
        Assert.Empty((await server.GetJsonAsync("/v1/connect/intentions")).EnumerateArray());

        await browser.FillAsync("#intention-source", "ghost");
        await browser.ClickAsync("#intention-form button[type=submit]");
        await browser.WaitForAsync("#intention-message", "No service named ghost or db is registered");
    }
}
