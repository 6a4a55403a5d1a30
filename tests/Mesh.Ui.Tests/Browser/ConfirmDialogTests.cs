namespace Mesh.Ui.Tests.Browser;

/// <summary>Deleting an intention or a config entry asks first, in a modal dialog that the keyboard alone can answer.</summary>
[Collection(BrowserTestGroup.Name)]
public sealed class ConfirmDialogTests
{
    [BrowserFact]
    public async Task Deleting_an_intention_asks_first_and_the_keyboard_can_cancel_or_confirm()
    {
        await using var server = await UiServers.StartAsync();
        await server.PutOkAsync("/v1/connect/intentions/exact?source=web&destination=db", """{"Action":"deny"}""");
        await using var browser = BrowserSession.Start();
        await browser.GotoAsync(server.Ui("#/intentions"));
        await browser.WaitForAsync("#intention-rows tr[data-source=\"web\"]");

        // Enter on the focused Delete button opens the dialog with focus on Cancel; Escape closes it, nothing is deleted.
        await browser.EvaluateAsync("document.querySelector('#intention-rows tr[data-source=\"web\"] button.danger').focus()");
        await browser.PressAsync("Enter");
        await browser.WaitForAsync("dialog#confirm-dialog[open]", "Delete this intention?");
        Assert.Equal("confirm-cancel", (await browser.EvaluateAsync("document.activeElement.id"))!.GetValue<string>());
        Assert.Equal("confirm-title", (await browser.EvaluateAsync("document.getElementById('confirm-dialog').getAttribute('aria-labelledby')"))!.GetValue<string>());
        await browser.PressAsync("Escape");
        await browser.WaitHiddenAsync("dialog#confirm-dialog");
        Assert.Single((await server.GetJsonAsync("/v1/connect/intentions")).EnumerateArray());
        Assert.Equal("Delete web to db", (await browser.EvaluateAsync("document.activeElement.getAttribute('aria-label')"))!.GetValue<string>()); // focus is back

        // Enter on Cancel cancels too.
        await browser.PressAsync("Enter");
        await browser.WaitForAsync("dialog#confirm-dialog[open]");
        await browser.PressAsync("Enter");
        await browser.WaitHiddenAsync("dialog#confirm-dialog");
        Assert.Single((await server.GetJsonAsync("/v1/connect/intentions")).EnumerateArray());

        // Tab moves to the Delete button of the dialog (focus stays inside it); Enter deletes.
        await browser.PressAsync("Enter");
        await browser.WaitForAsync("dialog#confirm-dialog[open]");
        await browser.PressAsync("Tab");
        Assert.Equal("confirm-accept", (await browser.EvaluateAsync("document.activeElement.id"))!.GetValue<string>());
        await browser.PressAsync("Enter");
        await browser.WaitHiddenAsync("#intention-rows tr[data-source=\"web\"]");
        Assert.Empty((await server.GetJsonAsync("/v1/connect/intentions")).EnumerateArray());
        Assert.Empty(await browser.ErrorsAsync());
    }

    [BrowserFact]
    public async Task Deleting_a_config_entry_asks_first_and_cancel_keeps_it()
    {
        await using var server = await UiServers.StartAsync();
        await server.PutOkAsync("/v1/config", """{"Kind":"service-defaults","Name":"web","Protocol":"http"}""");
        await using var browser = BrowserSession.Start();
        await browser.GotoAsync(server.Ui("#/config/service-defaults"));
        await browser.ClickAsync("#config-entries details[data-entry=\"web\"] summary");

        await browser.ClickAsync("#config-entries details[data-entry=\"web\"] button.danger");
        await browser.WaitForAsync("dialog#confirm-dialog[open]", "Delete service-defaults web?");
        await browser.ClickAsync("#confirm-cancel");
        await browser.WaitHiddenAsync("dialog#confirm-dialog");
        Assert.Single((await server.GetJsonAsync("/v1/config/service-defaults")).EnumerateArray());

        await browser.ClickAsync("#config-entries details[data-entry=\"web\"] button.danger");
        await browser.ClickAsync("#confirm-accept");
        await browser.WaitForAsync("#config-message .ok", "Deleted service-defaults web");
        await browser.WaitHiddenAsync("#config-entries details[data-entry=\"web\"]");
        Assert.Empty((await server.GetJsonAsync("/v1/config/service-defaults")).EnumerateArray());
    }
}
