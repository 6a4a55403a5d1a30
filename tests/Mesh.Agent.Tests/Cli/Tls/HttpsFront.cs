using System.Net;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Mesh.Agent.Tests.Cli.Tls;

/// <summary>
/// A Kestrel HTTPS listener on a free loopback port in front of a real Mesh test server's plain HTTP API: a real TLS
/// handshake with the agent CA's server certificate and, when asked, a required client certificate verified against
/// that CA (what <c>tls.https.verify_incoming</c> does). Requests are forwarded unchanged; optionally
/// <c>/v1/agent/self</c> gains <c>XDS.Ports</c> as a TLS-enabled agent reports it.
/// </summary>
public sealed class HttpsFront : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly HttpClient _upstream;

    private HttpsFront(WebApplication app, HttpClient upstream, Uri address)
    {
        _app = app;
        _upstream = upstream;
        Address = address;
    }

    public Uri Address { get; }

    /// <summary>Subjects of the client certificates presented, in order.</summary>
    public List<string> ClientSubjects { get; } = [];

    public static async Task<HttpsFront> StartAsync(Uri upstream, TlsMaterial tls, bool requireClientCertificate, int? xdsTlsPort = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(new HttpsConnectionAdapterOptions
        {
            ServerCertificate = tls.ServerCertificate,
            SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
            ClientCertificateMode = requireClientCertificate ? ClientCertificateMode.RequireCertificate : ClientCertificateMode.NoCertificate,
            ClientCertificateValidation = (certificate, _, _) => ChainsTo(certificate, tls.Ca),
        })));
        var app = builder.Build();
        var client = new HttpClient { BaseAddress = upstream };
        HttpsFront? front = null;
        app.Run(async context =>
        {
            if (context.Connection.ClientCertificate is { } presented)
            {
                lock (front!.ClientSubjects)
                {
                    front.ClientSubjects.Add(presented.Subject);
                }
            }

            using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), context.Request.Path + context.Request.QueryString);
            if (context.Request.ContentLength > 0 || context.Request.Headers.TransferEncoding.Count > 0)
            {
                using var body = new MemoryStream();
                await context.Request.Body.CopyToAsync(body);
                request.Content = new ByteArrayContent(body.ToArray());
            }

            foreach (var header in context.Request.Headers.Where(h => h.Key.StartsWith("X-Consul", StringComparison.OrdinalIgnoreCase)))
            {
                request.Headers.TryAddWithoutValidation(header.Key, header.Value.ToArray());
            }

            using var response = await client.SendAsync(request);
            context.Response.StatusCode = (int)response.StatusCode;
            var bytes = await response.Content.ReadAsByteArrayAsync();
            if (xdsTlsPort is { } tlsPort && context.Request.Path == "/v1/agent/self" && response.IsSuccessStatusCode)
            {
                var self = JsonNode.Parse(bytes)!.AsObject();
                var xds = self["XDS"] as JsonObject ?? [];
                xds["Ports"] = new JsonObject { ["Plaintext"] = xds["Port"]?.GetValue<int>() ?? -1, ["TLS"] = tlsPort };
                self["XDS"] = xds;
                bytes = System.Text.Encoding.UTF8.GetBytes(self.ToJsonString());
            }

            context.Response.ContentType = response.Content.Headers.ContentType?.ToString();
            await context.Response.Body.WriteAsync(bytes);
        });
        await app.StartAsync();
        var port = new Uri(app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;
        front = new HttpsFront(app, client, new Uri($"https://127.0.0.1:{port}"));
        return front;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _upstream.Dispose();
    }

    private static bool ChainsTo(X509Certificate2 certificate, X509Certificate2 ca)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }
}
