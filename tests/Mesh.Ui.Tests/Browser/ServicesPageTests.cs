using System.Diagnostics;
using Xunit.Abstractions;

namespace Mesh.Ui.Tests.Browser;

[Collection(BrowserTestGroup.Name)]
public sealed class ServicesPageTests(ITestOutputHelper output)
{
    [BrowserFact]
    public async Task A_registration_through_the_API_appears_in_the_open_list_without_a_reload()
    {
        await using var server = await UiServers.StartAsync();
        await using var browser = BrowserSession.Start();
        await browser.GotoAsync(server.Ui());
        await browser.WaitForAsync("tr[data-name=\"consul\"]");
        await browser.EvaluateAsync("window.__sameDocument = 'yes'");

        var registered = Stopwatch.StartNew();
        await server.RegisterAsync("live-web", "live-web-1", 8080);
        await browser.WaitForAsync("tr[data-name=\"live-web\"]");
        output.WriteLine($"registration visible after {registered.ElapsedMilliseconds} ms (blocking query, no reload)");

        Assert.Equal("yes", (await browser.EvaluateAsync("window.__sameDocument"))!.GetValue<string>());
        Assert.Contains("1", await browser.TextAsync("tr[data-name=\"live-web\"] td.num"));
        Assert.Empty(await browser.ErrorsAsync());
    }

    [BrowserFact]
    public async Task The_filter_box_keeps_the_services_whose_name_tag_or_kind_match()
    {
        await using var server = await UiServers.StartAsync();
        await server.RegisterAsync("alpha", "alpha-1", 1001, tags: """["edge"]""");
        await server.RegisterAsync("beta", "beta-1", 1002);
        await server.RegisterAsync("gamma", "gamma-1", 1003, tags: """["edge"]""");
        await using var browser = BrowserSession.Start();
        await browser.GotoAsync(server.Ui());
        await browser.WaitForAsync("tr[data-name=\"gamma\"]");

        await browser.FillAsync("#service-filter", "beta");
        Assert.Equal(1, await browser.VisibleCountAsync("#service-rows tr"));
        Assert.Equal(1, await browser.VisibleCountAsync("tr[data-name=\"beta\"]"));

        await browser.FillAsync("#service-filter", "edge");
        Assert.Equal(2, await browser.VisibleCountAsync("#service-rows tr"));
        Assert.Contains("2 of 4 services", await browser.TextAsync("#service-count"));

        await browser.FillAsync("#service-filter", string.Empty);
        Assert.Equal(4, await browser.VisibleCountAsync("#service-rows tr"));
    }

    [BrowserFact]
    public async Task A_thousand_services_render_and_the_first_paint_is_reported()
    {
        await using var server = await UiServers.StartAsync();
        // One node with 1,000 services (catalog registrations, a few in flight at once).
        using (var gate = new SemaphoreSlim(8))
        {
            await Task.WhenAll(Enumerable.Range(0, 1000).Select(async i =>
            {
                await gate.WaitAsync();
                try
                {
                    var name = $"svc-{i:D4}";
                    var status = i % 10 == 0 ? "critical" : "passing";
                    var service = $$"""{"Service":"{{name}}","ID":"{{name}}","Port":{{20000 + i}},"Tags":["t{{i % 7}}"]}""";
                    var check = $$"""{"CheckID":"c-{{i}}","Name":"c","ServiceID":"{{name}}","Status":"{{status}}"}""";
                    await server.PutOkAsync("/v1/catalog/register", $$"""{"Node":"bulk-node","Address":"10.1.0.1","Service":{{service}},"Check":{{check}}}""");
                }
                finally
                {
                    gate.Release();
                }
            }));
        }

        await using var browser = BrowserSession.Start();
        await browser.GotoAsync(server.Ui());
        await browser.WaitForAsync("tr[data-name=\"svc-0999\"]", timeoutMs: 30000);
        Assert.Equal(1001, await browser.CountAsync("#service-rows tr")); // and the server's own consul service

        var rendered = (await browser.EvaluateAsync("window.meshUiTimings.servicesRendered"))!.GetValue<double>();
        var paint = (await browser.EvaluateAsync("(performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime || 0"))!.GetValue<double>();
        var resources = await browser.EvaluateAsync("performance.getEntriesByType('resource').map(e => `${e.name.replace(location.origin, '')} start ${e.startTime.toFixed(0)} ms, took ${e.duration.toFixed(0)} ms`).join('\\n')");
        output.WriteLine(resources!.GetValue<string>());
        output.WriteLine($"1,000 services: first contentful paint {paint:F0} ms, table rendered {rendered:F0} ms after navigation start (measured, not asserted)");

        // A second load, with the server's code paths warm (the first request to an endpoint includes JIT work).
        await browser.GotoAsync(server.Ui("?second-load#/services")); // a new document, not a hash change
        await browser.WaitForAsync("tr[data-name=\"svc-0999\"]", timeoutMs: 30000);
        var warm = (await browser.EvaluateAsync("window.meshUiTimings.servicesRendered"))!.GetValue<double>();
        var warmPaint = (await browser.EvaluateAsync("(performance.getEntriesByName('first-contentful-paint')[0] || {}).startTime || 0"))!.GetValue<double>();
        output.WriteLine($"second load: first contentful paint {warmPaint:F0} ms, table rendered {warm:F0} ms after navigation start");

        await browser.FillAsync("#service-filter", "svc-0500");
        Assert.Equal(1, await browser.VisibleCountAsync("#service-rows tr"));
    }

    [BrowserFact]
    public async Task A_sidecar_proxy_is_folded_into_its_service_row_once_the_service_is_registered()
    {
        await using var server = await UiServers.StartAsync();
        await server.PutOkAsync("/v1/agent/service/register",
            """{"Name":"db-sidecar-proxy","ID":"db-sidecar-proxy-1","Kind":"connect-proxy","Port":21000,"Proxy":{"DestinationServiceName":"db"}}""");
        await using var browser = BrowserSession.Start();
        await browser.GotoAsync(server.Ui());

        // No db yet: the proxy is listed on its own, as a proxy.
        await browser.WaitForAsync("tr[data-name=\"db-sidecar-proxy\"]", "connect-proxy");

        await server.RegisterAsync("db", "db-1", 5432);
        await browser.WaitForAsync("tr[data-name=\"db\"] [data-proxy]", "connected with proxy");
        await browser.WaitHiddenAsync("tr[data-name=\"db-sidecar-proxy\"]");
        Assert.Equal(0, await browser.CountAsync("tr[data-name=\"db-sidecar-proxy\"]"));
        Assert.Equal(0, await browser.CountAsync("tr[data-name=\"consul\"] [data-proxy]"));

        // The service's page lists the proxy.
        await browser.ClickAsync("tr[data-name=\"db\"] a");
        await browser.WaitForAsync("#proxies li[data-proxy=\"db-sidecar-proxy-1\"]");
    }
}
