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

            server = await UiServers.StartAsync(Same, dataDir.Path);
            await browser.WaitHiddenAsync("#banner", timeoutMs: 30000);
            await server.RegisterAsync("after-outage", "after-outage-1", 9090);
            await browser.WaitForAsync("tr[data-name=\"after-outage\"]");
        }
        finally
        {
            await server.DisposeAsync();
        }
    }
}
