using System.Globalization;
using System.Text;
using Mesh.LoadTest.Targets;

namespace Mesh.LoadTest.Snapshot;

/// <summary>
/// Fills a server through its HTTP API with <c>services</c> writes, sent by <c>concurrency</c> closed-loop clients: for
/// mesh one <c>PUT /v1/catalog/register</c> per instance (<c>perNode</c> to a node, 1,000 service names), for etcd the
/// same registration document as the value of key <c>snap/snap-i</c>.
/// </summary>
public static class CatalogFill
{
    public static async Task<(TimeSpan Elapsed, long Errors, string? FirstError)> RunAsync(HttpClient http, Func<int, HttpRequestMessage> write, int services, int concurrency, CancellationToken cancellationToken)
    {
        var next = -1;
        long errors = 0;
        string? firstError = null;
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var workers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(
            async () =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < services)
                {
                    using var request = write(i);
                    try
                    {
                        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
                        if (!response.IsSuccessStatusCode)
                        {
                            Interlocked.Increment(ref errors);
                            Interlocked.CompareExchange(ref firstError, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)}", null);
                        }
                    }
                    catch (Exception error) when (error is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
                    {
                        Interlocked.Increment(ref errors);
                        Interlocked.CompareExchange(ref firstError, error.Message, null);
                    }
                }
            },
            cancellationToken)).ToArray();
        await Task.WhenAll(workers).ConfigureAwait(false);
        return (System.Diagnostics.Stopwatch.GetElapsedTime(started), errors, firstError);
    }

    public static HttpRequestMessage MeshWrite(int i, int perNode)
        => new(HttpMethod.Put, "/v1/catalog/register") { Content = MeshTarget.Json(Registration(i, perNode)) };

    public static HttpRequestMessage EtcdWrite(int i, int perNode)
    {
        var key = Convert.ToBase64String(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"snap/snap-{i}")));
        var value = Convert.ToBase64String(Registration(i, perNode));
        return new HttpRequestMessage(HttpMethod.Post, "/v3/kv/put") { Content = MeshTarget.Json(Encoding.UTF8.GetBytes($$"""{"key":"{{key}}","value":"{{value}}"}""")) };
    }

    private static byte[] Registration(int i, int perNode) => Encoding.UTF8.GetBytes(string.Create(
        CultureInfo.InvariantCulture,
        $"{{\"Node\":\"snap-node-{i / perNode}\",\"Address\":\"10.{i / perNode / 65_536 % 256}.{i / perNode / 256 % 256}.{i / perNode % 256}\",\"Service\":{{\"ID\":\"snap-{i}\",\"Service\":\"snap-svc-{i % 1000}\",\"Port\":{20_000 + (i % perNode)},\"Tags\":[\"v1\"],\"Meta\":{{\"version\":\"1.0.0\"}}}}}}"));
}
