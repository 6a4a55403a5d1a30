using System.Globalization;
using System.Net.Http.Headers;
using System.Text;

namespace Mesh.LoadTest.Xds;

/// <summary>
/// The catalog writes of the proxycfg and xDS benchmarks, through <c>PUT /v1/catalog/register</c>: sidecars of
/// <c>web</c> instances with an upstream <c>db</c> (50 per node), instances of one ingress gateway (50 per node), and
/// <c>db</c> (or <c>api</c>) instances with a sidecar and a passing check, each on its own node; config entries through
/// <c>PUT /v1/config</c>.
/// </summary>
public sealed class MeshCatalogWriter(HttpClient http)
{
    public const int SidecarsPerNode = 50;

    public static string WebNode(int proxy) => $"node-web-{proxy / SidecarsPerNode:D4}";

    /// <summary>The sidecar's service ID, which is also the node.id its Envoy sends.</summary>
    public static string WebSidecarId(int proxy) => $"web-{proxy}-sidecar-proxy";

    /// <summary>The ingress gateway service every gateway stream is an instance of.</summary>
    public const string IngressGateway = "ingress-gateway";

    public static string GatewayNode(int gateway) => $"node-edge-{gateway / SidecarsPerNode:D4}";

    /// <summary>The gateway instance's service ID, which is also the node.id its Envoy sends.</summary>
    public static string GatewayId(int gateway) => $"ingress-gateway-{gateway}";

    public static string DbNode(int instance) => $"node-db-{instance}";

    public static string DbAddress(int instance) => $"127.3.{instance / 250}.{(instance % 250) + 1}";

    /// <summary>Registers sidecars 0..count-1 with <paramref name="concurrency"/> writers.</summary>
    public Task RegisterWebSidecarsAsync(int count, int concurrency, CancellationToken cancellationToken)
        => RegisterManyAsync(count, concurrency, RegisterWebSidecarAsync, cancellationToken);

    /// <summary>Registers ingress gateway instances 0..count-1 with <paramref name="concurrency"/> writers.</summary>
    public Task RegisterIngressGatewaysAsync(int count, int concurrency, CancellationToken cancellationToken)
        => RegisterManyAsync(count, concurrency, RegisterIngressGatewayAsync, cancellationToken);

    public Task RegisterIngressGatewayAsync(int gateway, CancellationToken cancellationToken)
    {
        var address = $"127.5.{gateway / SidecarsPerNode / 250}.{(gateway / SidecarsPerNode % 250) + 1}";
        return PutAsync($$$"""
            {"Node":"{{{GatewayNode(gateway)}}}","Address":"{{{address}}}","Service":{"Kind":"ingress-gateway","ID":"{{{GatewayId(gateway)}}}","Service":"{{{IngressGateway}}}",
             "Port":{{{20000 + (gateway % SidecarsPerNode)}}}}}
            """, cancellationToken);
    }

    /// <summary>
    /// The ingress gateway's entry: one http listener on 8080 exposing <paramref name="services"/> (the measured change
    /// adds one), with the services declared http by service-defaults first.
    /// </summary>
    public async Task WriteIngressEntryAsync(IReadOnlyList<string> services, CancellationToken cancellationToken)
    {
        foreach (var service in services)
        {
            await DeclareHttpAsync(service, cancellationToken).ConfigureAwait(false);
        }

        await WriteIngressListenerAsync(services, cancellationToken).ConfigureAwait(false);
    }

    public Task DeclareHttpAsync(string service, CancellationToken cancellationToken)
        => PutConfigAsync($$"""{"Kind":"service-defaults","Name":"{{service}}","Protocol":"http"}""", cancellationToken);

    /// <summary>The measured write of the ingress runs: the gateway's entry alone, <c>PUT /v1/config</c>.</summary>
    public Task WriteIngressListenerAsync(IReadOnlyList<string> services, CancellationToken cancellationToken)
        => PutConfigAsync($$"""
            {"Kind":"ingress-gateway","Name":"{{IngressGateway}}","Listeners":[{"Port":8080,"Protocol":"http","Services":[{{string.Join(",", services.Select(s => $$"""{"Name":"{{s}}"}"""))}}]}]}
            """, cancellationToken);

    /// <summary>An instance of <paramref name="service"/> with a sidecar and a passing check on its own node.</summary>
    public async Task RegisterMeshServiceAsync(string service, int instance, CancellationToken cancellationToken)
    {
        var node = $"node-{service}-{instance}";
        var address = $"127.6.{instance / 250}.{(instance % 250) + 1}";
        await PutAsync($$$"""{"Node":"{{{node}}}","Address":"{{{address}}}","Service":{"ID":"{{{service}}}","Service":"{{{service}}}","Port":5000}}""", cancellationToken).ConfigureAwait(false);
        await PutAsync($$$"""
            {"Node":"{{{node}}}","Address":"{{{address}}}","Service":{"Kind":"connect-proxy","ID":"{{{service}}}-sidecar-proxy","Service":"{{{service}}}-sidecar-proxy","Port":21000,
             "Proxy":{"DestinationServiceName":"{{{service}}}","DestinationServiceID":"{{{service}}}"}},
             "Checks":[{"CheckID":"{{{service}}}-proxy-alive","Name":"alive","Status":"passing","ServiceID":"{{{service}}}-sidecar-proxy"}]}
            """, cancellationToken).ConfigureAwait(false);
    }

    private static async Task RegisterManyAsync(int count, int concurrency, Func<int, CancellationToken, Task> register, CancellationToken cancellationToken)
    {
        var next = -1;
        var writers = Enumerable.Range(0, concurrency).Select(async _ =>
        {
            int proxy;
            while ((proxy = Interlocked.Increment(ref next)) < count)
            {
                await register(proxy, cancellationToken).ConfigureAwait(false);
            }
        });
        await Task.WhenAll(writers).ConfigureAwait(false);
    }

    public Task RegisterWebSidecarAsync(int proxy, CancellationToken cancellationToken)
    {
        var n = proxy.ToString(CultureInfo.InvariantCulture);
        var node = WebNode(proxy);
        var address = $"127.4.{proxy / SidecarsPerNode / 250}.{(proxy / SidecarsPerNode % 250) + 1}";
        return PutAsync($$$"""
            {"Node":"{{{node}}}","Address":"{{{address}}}","Service":{"Kind":"connect-proxy","ID":"{{{WebSidecarId(proxy)}}}","Service":"web-sidecar-proxy",
             "Port":{{{21000 + (proxy % SidecarsPerNode)}}},"Proxy":{"DestinationServiceName":"web","DestinationServiceID":"web-{{{n}}}","LocalServicePort":8080,
             "Upstreams":[{"DestinationName":"db","LocalBindPort":9191}]} } }
            """, cancellationToken);
    }

    /// <summary>
    /// The db application instance alone: not a connect endpoint yet, but an endpoint of db for proxyless clients.
    /// <paramref name="port"/> lets a later write change that endpoint.
    /// </summary>
    public Task RegisterDbServiceAsync(int instance, CancellationToken cancellationToken, int port = 5432)
        => PutAsync($$$"""{"Node":"{{{DbNode(instance)}}}","Address":"{{{DbAddress(instance)}}}","Service":{"ID":"db","Service":"db","Port":{{{port}}}}}""", cancellationToken);

    /// <summary>
    /// db's sidecar on the instance's node with a passing check: this is the write that adds an endpoint to every
    /// web proxy's db cluster. <paramref name="port"/> lets a later write change the endpoint.
    /// </summary>
    public Task RegisterDbSidecarAsync(int instance, int port, CancellationToken cancellationToken)
        => PutAsync($$$"""
            {"Node":"{{{DbNode(instance)}}}","Address":"{{{DbAddress(instance)}}}","Service":{"Kind":"connect-proxy","ID":"db-sidecar-proxy","Service":"db-sidecar-proxy","Port":{{{port}}},
             "Proxy":{"DestinationServiceName":"db","DestinationServiceID":"db"}},
             "Checks":[{"CheckID":"db-proxy-alive","Name":"alive","Status":"passing","ServiceID":"db-sidecar-proxy"}]}
            """, cancellationToken);

    public async Task RegisterDbInstanceAsync(int instance, CancellationToken cancellationToken)
    {
        await RegisterDbServiceAsync(instance, cancellationToken).ConfigureAwait(false);
        await RegisterDbSidecarAsync(instance, 21000, cancellationToken).ConfigureAwait(false);
    }

    private Task PutAsync(string json, CancellationToken cancellationToken) => PutAsync("/v1/catalog/register", json, cancellationToken);

    private Task PutConfigAsync(string json, CancellationToken cancellationToken) => PutAsync("/v1/config", json, cancellationToken);

    private async Task PutAsync(string path, string json, CancellationToken cancellationToken)
    {
        using var content = new StringContent(json, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await http.PutAsync(new Uri(path, UriKind.Relative), content, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"PUT {path} failed with {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)}");
        }
    }
}
