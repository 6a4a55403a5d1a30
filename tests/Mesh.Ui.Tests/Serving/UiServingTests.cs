using System.Net;
using Mesh.Acl;
using Mesh.Acl.Authorization;
using Mesh.Testing;
using Mesh.Ui.Tests.Browser;

namespace Mesh.Ui.Tests.Serving;

public sealed class UiServingTests
{
    [Fact]
    public async Task The_UI_is_served_at_ui_with_its_content_types_and_revalidation_headers()
    {
        await using var server = await UiServers.StartAsync();

        using var index = await server.Http.GetAsync("/ui/");
        Assert.Equal(HttpStatusCode.OK, index.StatusCode);
        Assert.Equal("text/html", index.Content.Headers.ContentType!.MediaType);
        Assert.Equal("no-cache", index.Headers.CacheControl!.ToString());
        Assert.Contains("default-src 'self'", index.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Equal("nosniff", index.Headers.GetValues("X-Content-Type-Options").Single());
        var html = await index.Content.ReadAsStringAsync();
        Assert.Contains("<nav aria-label=\"Main\">", html, StringComparison.Ordinal);
        Assert.Contains("js/app.js", html, StringComparison.Ordinal);

        foreach (var (path, type) in new[]
        {
            ("/ui/app.css", "text/css"), ("/ui/js/app.js", "text/javascript"), ("/ui/js/pages/services.js", "text/javascript"),
            ("/ui/index.html", "text/html"),
        })
        {
            using var asset = await server.Http.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, asset.StatusCode);
            Assert.Equal(type, asset.Content.Headers.ContentType!.MediaType);
            Assert.Equal("utf-8", asset.Content.Headers.ContentType.CharSet);
            Assert.NotNull(asset.Headers.ETag);

            // An unchanged file costs a 304.
            using var again = new HttpRequestMessage(HttpMethod.Get, path);
            again.Headers.IfNoneMatch.Add(asset.Headers.ETag!);
            using var revalidated = await server.Http.SendAsync(again);
            Assert.Equal(HttpStatusCode.NotModified, revalidated.StatusCode);
        }

        using var head = await server.Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/ui/app.css"));
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        using var missing = await server.Http.GetAsync("/ui/js/nothing-here.js");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task The_bare_ui_path_and_the_root_redirect_to_the_UI()
    {
        await using var server = await UiServers.StartAsync(config => config with { Dev = true });
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = server.Server.HttpAddress };
        foreach (var path in new[] { "/", "/ui" })
        {
            using var response = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.MovedPermanently, response.StatusCode);
            Assert.Equal("/ui/", response.Headers.Location!.OriginalString);
        }
    }

    [Fact]
    public async Task With_the_UI_off_there_is_no_ui_and_no_redirect()
    {
        await using var server = await TestServer.StartAsync();
        Assert.False(server.Server.Config.UiEnabled);
        foreach (var path in new[] { "/ui/", "/ui/app.css", "/" })
        {
            using var response = await server.Http.GetAsync(path);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }
    }

    [Fact]
    public async Task The_UI_files_need_no_token_when_ACLs_deny_by_default()
    {
        await using var server = await UiServers.StartAsync(config => config with { Acl = new AclConfig { Enabled = true, DefaultPolicy = AclDefaultPolicy.Deny } });
        using var index = await server.Http.GetAsync("/ui/");
        Assert.Equal(HttpStatusCode.OK, index.StatusCode);
        using var script = await server.Http.GetAsync("/ui/js/api.js");
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);

        // ...while the data behind them still needs one.
        using var raft = await server.Http.GetAsync("/v1/operator/raft/configuration");
        Assert.Equal(HttpStatusCode.Forbidden, raft.StatusCode);
    }

    [Fact]
    public void Every_embedded_file_is_one_the_index_page_can_reach()
    {
        var assets = UiAssets.Load();
        Assert.Contains("index.html", assets.Paths);
        Assert.Contains("app.css", assets.Paths);
        Assert.Contains("js/app.js", assets.Paths);
        Assert.Contains("js/chain-graph.js", assets.Paths);
        Assert.All(assets.Paths, path => Assert.DoesNotContain('\\', path));
        Assert.NotNull(assets.Find(string.Empty)); // the empty path is index.html
    }
}
