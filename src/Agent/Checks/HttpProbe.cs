using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using Mesh.Fsm.Model;
using Microsoft.AspNetCore.WebUtilities;

namespace Mesh.Agent.Checks;

/// <summary>
/// An HTTP check (Consul's <c>CheckHTTP</c>): 2xx is passing, 429 warning, anything else or no answer critical. The
/// output is "HTTP GET url: 200 OK Output: body" with the body cut to the output limit. Connections are not reused
/// (Consul disables keep-alives for checks), so a restarted service is always probed afresh.
/// </summary>
internal sealed class HttpProbe : IDisposable
{
    private const string UserAgent = "Consul Health Check";
    private const string Accept = "text/plain, text/*, */*";

    private readonly HttpClient _verifying;
    private readonly HttpClient _skipVerify;
    private readonly int _outputMaxSize;

    public HttpProbe(int outputMaxSize)
    {
        _outputMaxSize = outputMaxSize;
        _verifying = new HttpClient(NewHandler(skipVerify: false)) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        _skipVerify = new HttpClient(NewHandler(skipVerify: true)) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
    }

    public async Task<CheckResult> RunAsync(CheckDefinition definition, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var method = definition.Method.Length > 0 ? definition.Method : "GET";
        if (!Uri.TryCreate(definition.HTTP, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            return CheckResult.Critical($"{GoOp(method)} \"{definition.HTTP}\": unsupported protocol scheme");
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        using var request = Build(definition, method, uri);
        var client = definition.TLSSkipVerify ? _skipVerify : _verifying;
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token).ConfigureAwait(false);
            var body = await ReadPrefixAsync(response.Content, deadline.Token).ConfigureAwait(false);
            var code = (int)response.StatusCode;
            var reason = string.IsNullOrEmpty(response.ReasonPhrase) ? ReasonPhrases.GetReasonPhrase(code) : response.ReasonPhrase;
            var output = string.Create(CultureInfo.InvariantCulture, $"HTTP {method} {definition.HTTP}: {code} {reason} Output: {body}");
            return code switch
            {
                >= 200 and <= 299 => CheckResult.Passing(output),
                429 => CheckResult.Warning(output),
                _ => CheckResult.Critical(output),
            };
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return CheckResult.Critical($"{GoOp(method)} \"{definition.HTTP}\": context deadline exceeded (Client.Timeout exceeded while awaiting headers)");
        }
        catch (HttpRequestException error)
        {
            return CheckResult.Critical($"{GoOp(method)} \"{definition.HTTP}\": {Describe(error, uri)}");
        }
    }

    private static HttpRequestMessage Build(CheckDefinition definition, string method, Uri uri)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), uri);
        request.Headers.ConnectionClose = true;
        if (definition.Body.Length > 0)
        {
            request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(definition.Body));
        }

        foreach (var (name, values) in definition.Header)
        {
            if (string.Equals(name, "Host", StringComparison.OrdinalIgnoreCase))
            {
                request.Headers.Host = values.Count > 0 ? values[0] : null;
                continue;
            }

            if (!request.Headers.TryAddWithoutValidation(name, values))
            {
                // Content-Type and friends belong to the content, which Go sends even when empty.
                request.Content ??= new ByteArrayContent([]);
                request.Content.Headers.TryAddWithoutValidation(name, values);
            }
        }

        if (!request.Headers.Contains("User-Agent"))
        {
            request.Headers.TryAddWithoutValidation("User-Agent", UserAgent);
        }

        if (!request.Headers.Contains("Accept"))
        {
            request.Headers.TryAddWithoutValidation("Accept", Accept);
        }

        return request;
    }

    private async Task<string> ReadPrefixAsync(HttpContent content, CancellationToken cancellationToken)
    {
        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            var buffer = new byte[_outputMaxSize];
            var filled = 0;
            while (filled < buffer.Length)
            {
                var read = await stream.ReadAsync(buffer.AsMemory(filled), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                filled += read;
            }

            return Encoding.UTF8.GetString(buffer, 0, filled);
        }
    }

    private static string Describe(HttpRequestException error, Uri uri)
    {
        var address = $"{uri.Host}:{uri.Port.ToString(CultureInfo.InvariantCulture)}";
        if (error.InnerException is SocketException socket)
        {
            return GoNetErrors.Dial(address, socket);
        }

        return error.HttpRequestError == HttpRequestError.SecureConnectionError
            ? $"tls: {error.InnerException?.Message ?? error.Message}"
            : error.Message;
    }

    /// <summary>Go's <c>url.Error</c> names the operation "Get", "Post", ...</summary>
    private static string GoOp(string method)
        => method.Length == 0 ? method : string.Concat(method[..1].ToUpperInvariant(), method[1..].ToLowerInvariant());

    [SuppressMessage("Security", "CA5359:Do not disable certificate validation", Justification = "Only for checks registered with TLSSkipVerify, as Consul does.")]
    private static SocketsHttpHandler NewHandler(bool skipVerify)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = true,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            PooledConnectionLifetime = TimeSpan.Zero,
        };
        if (skipVerify)
        {
            handler.SslOptions = new SslClientAuthenticationOptions { RemoteCertificateValidationCallback = static (_, _, _, _) => true };
        }

        return handler;
    }

    public void Dispose()
    {
        _verifying.Dispose();
        _skipVerify.Dispose();
    }
}
