namespace Mesh.Ui.Tests.Browser;

[Collection(BrowserTestGroup.Name)]
public sealed class ConfigPageTests
{
    [BrowserFact]
    public async Task Invalid_JSON_and_an_invalid_entry_show_a_message_and_store_nothing_while_a_valid_one_is_saved()
    {
        await using var server = await UiServers.StartAsync();
        await using var browser = BrowserSession.Start();
        await browser.GotoAsync(server.Ui("#/config/service-defaults"));
        await browser.WaitForAsync("#config-editor");

        await browser.FillAsync("#config-editor", """{"Kind": "service-defaults", "Name": "web", """);
        await browser.ClickAsync("#config-form button[type=submit]");
        await browser.WaitForAsync("#config-message .error", "Invalid JSON, nothing was saved");
        Assert.Empty((await server.GetJsonAsync("/v1/config/service-defaults")).EnumerateArray());

        // The server's validation error, as the server words it.
        const string invalid = """{"Kind":"service-defaults","Name":"web","Protocol":"nope"}""";
        using var direct = await server.Http.PutAsync("/v1/config", new StringContent(invalid));
        var serverError = (await direct.Content.ReadAsStringAsync()).Trim();
        Assert.Equal(400, (int)direct.StatusCode);
        await browser.FillAsync("#config-editor", invalid);
        await browser.ClickAsync("#config-form button[type=submit]");
        await browser.WaitForAsync("#config-message .error", serverError);
        Assert.Empty((await server.GetJsonAsync("/v1/config/service-defaults")).EnumerateArray());

        await browser.FillAsync("#config-editor", """{"Kind":"service-defaults","Name":"web","Protocol":"http"}""");
        await browser.ClickAsync("#config-form button[type=submit]");
        await browser.WaitForAsync("#config-message .ok", "Saved");
        await browser.WaitForAsync("#config-entries details[data-entry=\"web\"]");
        Assert.Equal("http", (await server.GetJsonAsync("/v1/config/service-defaults/web")).GetProperty("Protocol").GetString());
    }
}
