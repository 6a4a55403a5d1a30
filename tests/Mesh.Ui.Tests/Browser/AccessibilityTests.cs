namespace Mesh.Ui.Tests.Browser;

[Collection(BrowserTestGroup.Name)]
public sealed class AccessibilityTests
{
    [BrowserFact]
    public async Task The_keyboard_reaches_the_main_navigation_and_opens_a_page()
    {
        await using var server = await UiServers.StartAsync();
        await using var browser = BrowserSession.Start();
        await browser.GotoAsync(server.Ui());
        await browser.WaitForAsync("tr[data-name=\"consul\"]");

        await browser.PressAsync("Tab");
        Assert.Equal("Skip to content", (await browser.EvaluateAsync("document.activeElement.textContent"))!.GetValue<string>());
        await browser.PressAsync("Tab");
        Assert.True((await browser.EvaluateAsync("!!document.activeElement.closest('nav[aria-label=\"Main\"]')"))!.GetValue<bool>());
        Assert.Equal("Services", (await browser.EvaluateAsync("document.activeElement.textContent"))!.GetValue<string>());
        await browser.PressAsync("Tab");
        await browser.PressAsync("Enter");
        await browser.WaitForAsync("h1", "Nodes");
        Assert.Equal("page", (await browser.EvaluateAsync("document.querySelector('nav a[href=\"#/nodes\"]').getAttribute('aria-current')"))!.GetValue<string>());

        // Every form control on the pages with forms has a label.
        foreach (var hash in new[] { "#/intentions", "#/config/service-defaults" })
        {
            await browser.HashAsync(hash);
            await browser.WaitForAsync("main form");
            var unlabelled = (await browser.EvaluateAsync(
                "[...document.querySelectorAll('input, select, textarea')].filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')).length"))!.GetValue<int>();
            Assert.Equal(0, unlabelled);
        }
    }

    [BrowserFact]
    public async Task A_narrow_window_shows_the_pages_without_sideways_scrolling()
    {
        await using var server = await UiServers.StartAsync();
        await server.RegisterAsync("web", "web-1", 8080, tags: """["a-rather-long-tag-name","another-tag"]""");
        await using var browser = BrowserSession.Start();
        await browser.ViewportAsync(390, 800);
        foreach (var hash in new[] { "#/services", "#/services/web", "#/nodes", "#/intentions", "#/ca", "#/cluster" })
        {
            await browser.GotoAsync(server.Ui(hash));
            await browser.WaitForAsync("main[data-loaded]");
            var overflow = (await browser.EvaluateAsync("document.documentElement.scrollWidth - window.innerWidth"))!.GetValue<int>();
            Assert.True(overflow <= 1, $"{hash} is {overflow}px wider than the window");
            Assert.Equal(1, await browser.VisibleCountAsync("nav[aria-label=\"Main\"]"));
        }
    }
}
