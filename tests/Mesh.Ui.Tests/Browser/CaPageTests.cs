namespace Mesh.Ui.Tests.Browser;

[Collection(BrowserTestGroup.Name)]
public sealed class CaPageTests
{
    [BrowserFact]
    public async Task A_root_rotation_appears_live_with_the_previous_root_kept_in_the_history()
    {
        await using var server = await UiServers.StartAsync();
        var before = (await server.GetJsonAsync("/v1/connect/ca/roots")).GetProperty("ActiveRootID").GetString()!;
        await using var browser = BrowserSession.Start();
        await browser.GotoAsync(server.Ui("#/ca"));
        await browser.WaitForAsync($"tr[data-root=\"{before}\"][data-active=\"true\"]", "active");
        Assert.Equal("1", await browser.TextAsync("#ca-root-count"));

        // A new key type rotates the root (cross-signed by the old one); the page follows through its blocking query.
        await server.PutOkAsync("/v1/connect/ca/configuration", """{"Provider":"consul","Config":{"PrivateKeyType":"ec","PrivateKeyBits":384}}""");
        var roots = await server.GetJsonAsync("/v1/connect/ca/roots");
        var after = roots.GetProperty("ActiveRootID").GetString()!;
        Assert.NotEqual(before, after);

        await browser.WaitForAsync($"tr[data-root=\"{after}\"][data-active=\"true\"]", "active");
        await browser.WaitForAsync($"tr[data-root=\"{before}\"][data-active=\"false\"]", "rotated out");
        Assert.Equal("2", await browser.TextAsync("#ca-root-count"));
        Assert.Contains("1 earlier root is still trusted", await browser.TextAsync("#ca-history"));
        Assert.Contains(after, await browser.TextAsync("#ca-active-root"));
        Assert.Contains("ec 384", await browser.TextAsync($"tr[data-root=\"{after}\"]"));

        // Each root's validity window is shown as the API gives it.
        foreach (var root in roots.GetProperty("Roots").EnumerateArray())
        {
            var row = await browser.TextAsync($"tr[data-root=\"{root.GetProperty("ID").GetString()}\"]");
            Assert.Contains(root.GetProperty("NotBefore").GetString()!, row);
            Assert.Contains(root.GetProperty("NotAfter").GetString()!, row);
        }

        Assert.Empty(await browser.ErrorsAsync());
    }
}
