using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Mesh.Ui;

/// <summary>
/// Serves the embedded UI under <c>/ui/</c> (GET and HEAD) and redirects <c>/</c> and <c>/ui</c> there. The files
/// need no token (as in Consul): the UI sends the token the user gives it with each API request it makes. Files are
/// revalidated on each load (<c>Cache-Control: no-cache</c> with an ETag, so an unchanged file costs a 304), and the
/// page may only load its own files and talk to its own server (Content-Security-Policy).
/// </summary>
public static class UiRoutes
{
    private const string SecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

    public static void Map(IEndpointRouteBuilder app, UiOptions options, UiAssets assets)
    {
        var root = options.ContentPath.TrimEnd('/');
        string[] methods = ["GET", "HEAD"];
        // The catch-all also matches the bare root ("/ui"), which is redirected to "/ui/" so relative URLs resolve.
        app.MapMethods(root + "/{**path}", methods, context => ServeAsync(context, root, assets));
        if (options.RedirectRoot)
        {
            app.MapMethods("/", methods, context => Redirect(context, root + "/"));
        }
    }

    private static Task Redirect(HttpContext context, string location)
    {
        context.Response.StatusCode = StatusCodes.Status301MovedPermanently;
        context.Response.Headers.Location = location;
        return Task.CompletedTask;
    }

    private static async Task ServeAsync(HttpContext context, string root, UiAssets assets)
    {
        var path = context.Request.RouteValues["path"] as string ?? string.Empty;
        if (path.Length == 0 && !(context.Request.Path.Value ?? string.Empty).EndsWith('/'))
        {
            await Redirect(context, root + "/").ConfigureAwait(false);
            return;
        }

        var response = context.Response;
        if (assets.Find(path) is not { } asset)
        {
            response.StatusCode = StatusCodes.Status404NotFound;
            response.ContentType = "text/plain; charset=utf-8";
            await response.WriteAsync($"no UI file at {context.Request.Path}", context.RequestAborted).ConfigureAwait(false);
            return;
        }

        var headers = response.Headers;
        headers.CacheControl = "no-cache";
        headers.ETag = asset.ETag;
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers.XFrameOptions = "DENY";
        if (asset.Path == "index.html" || path.Length == 0)
        {
            headers.ContentSecurityPolicy = SecurityPolicy;
        }

        if (context.Request.Headers.IfNoneMatch.Any(tag => tag == asset.ETag || tag == "*"))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }

        response.ContentType = asset.ContentType;
        response.ContentLength = asset.Content.Length;
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await response.Body.WriteAsync(asset.Content, context.RequestAborted).ConfigureAwait(false);
        }
    }
}
