using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Mesh.Connect;

/// <summary>One answer of the HTTP API: the JSON body and the <c>X-Consul-Index</c> it was read at.</summary>
public sealed record ApiResponse(JsonElement Body, long Index);

/// <summary>An HTTP API call that failed with a status code (a 403 for a token without rights, a 5xx while the server is away).</summary>
public sealed class ConnectApiException : Exception
{
    public ConnectApiException()
    {
    }

    public ConnectApiException(string message)
        : base(message)
    {
    }

    public ConnectApiException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public ConnectApiException(HttpStatusCode status, string message)
        : base(message)
        => Status = status;

    public HttpStatusCode? Status { get; }
}

/// <summary>
/// The few HTTP API calls a Connect client makes, as a third party would make them: plain HTTP with
/// <c>X-Consul-Token</c>, blocking queries with <c>?index=&amp;wait=</c>.
/// </summary>
public sealed class ConnectApiClient : IDisposable
{
    private readonly HttpClient _http;

    public ConnectApiClient(ConnectApiOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        var handler = options.HandlerFactory?.Invoke() ?? new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30) };
        _http = new HttpClient(handler) { BaseAddress = options.Address, Timeout = Timeout.InfiniteTimeSpan };
        if (!string.IsNullOrEmpty(options.Token))
        {
            _http.DefaultRequestHeaders.Add("X-Consul-Token", options.Token);
        }
    }

    public ConnectApiOptions Options { get; }

    /// <summary>A GET; with <paramref name="index"/> &gt; 0 a blocking query that returns when the index moves past it or the wait ends.</summary>
    public async ValueTask<ApiResponse> GetAsync(string pathAndQuery, long index, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pathAndQuery);
        var path = pathAndQuery;
        var wait = TimeSpan.FromSeconds(10);
        if (index > 0)
        {
            var separator = path.Contains('?', StringComparison.Ordinal) ? '&' : '?';
            path += string.Create(CultureInfo.InvariantCulture, $"{separator}index={index}&wait={(long)Options.BlockingWait.TotalMilliseconds}ms");
            wait += Options.BlockingWait + (Options.BlockingWait / 16);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(wait);
        try
        {
            using var response = await _http.GetAsync(new Uri(path, UriKind.Relative), HttpCompletionOption.ResponseContentRead, timeout.Token).ConfigureAwait(false);
            return await ReadAsync(response, "GET", pathAndQuery, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ConnectApiException($"GET {pathAndQuery}: no answer from {Options.Address} in {wait.TotalSeconds:0}s");
        }
        catch (HttpRequestException error)
        {
            throw new ConnectApiException($"GET {pathAndQuery}: cannot reach {Options.Address}: {error.Message}", error);
        }
    }

    public ValueTask<ApiResponse> PostAsync(string path, string json, CancellationToken cancellationToken)
        => SendAsync(HttpMethod.Post, path, json, cancellationToken);

    public ValueTask<ApiResponse> PutAsync(string path, string? json, CancellationToken cancellationToken)
        => SendAsync(HttpMethod.Put, path, json, cancellationToken);

    private async ValueTask<ApiResponse> SendAsync(HttpMethod method, string path, string? json, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        try
        {
            using var response = await _http.SendAsync(request, timeout.Token).ConfigureAwait(false);
            return await ReadAsync(response, method.Method, path, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ConnectApiException($"{method} {path}: no answer from {Options.Address} in 10s");
        }
        catch (HttpRequestException error)
        {
            throw new ConnectApiException($"{method} {path}: cannot reach {Options.Address}: {error.Message}", error);
        }
    }

    private static async Task<ApiResponse> ReadAsync(HttpResponseMessage response, string method, string path, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw new ConnectApiException(response.StatusCode, $"{method} {path}: {(int)response.StatusCode} {text.Trim()}");
        }

        long index = 0;
        if (response.Headers.TryGetValues("X-Consul-Index", out var values))
        {
            _ = long.TryParse(values.FirstOrDefault(), NumberStyles.Integer, CultureInfo.InvariantCulture, out index);
        }

        var body = text.Length == 0 ? default : ParseJson(text, method, path);
        return new ApiResponse(body, index);
    }

    private static JsonElement ParseJson(string text, string method, string path)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return document.RootElement.Clone();
        }
        catch (JsonException error)
        {
            throw new ConnectApiException($"{method} {path}: the answer is not JSON: {error.Message}", error);
        }
    }

    public void Dispose() => _http.Dispose();
}
