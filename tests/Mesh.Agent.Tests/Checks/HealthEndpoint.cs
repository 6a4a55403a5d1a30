using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mesh.Agent.Tests.Checks;

/// <summary>A tiny Kestrel server on loopback whose <c>/health</c> answers with a status and body the test sets.</summary>
public sealed class HealthEndpoint : IAsyncDisposable
{
    private readonly WebApplication _app;
    private volatile Reply _reply = new(200, "ok");

    private HealthEndpoint(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}/health";

    public SeenRequest? LastRequest { get; private set; }

    public static async Task<HealthEndpoint> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        HealthEndpoint? endpoint = null;
        app.Map("/health", async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync();
            endpoint!.LastRequest = new SeenRequest(
                context.Request.Method,
                context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
                body);
            var reply = endpoint._reply;
            context.Response.StatusCode = reply.Status;
            await context.Response.WriteAsync(reply.Body);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        endpoint = new HealthEndpoint(app, new Uri(address).Port);
        return endpoint;
    }

    public void Respond(int status, string body) => _reply = new Reply(status, body);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    public sealed record SeenRequest(string Method, IReadOnlyDictionary<string, string> Headers, string Body);

    private sealed record Reply(int Status, string Body);
}
