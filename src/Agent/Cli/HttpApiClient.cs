using System.Net.Http.Headers;
using System.Text;

namespace Mesh.Agent.Cli;

/// <summary>
/// The CLI's HTTP client. The address comes from <c>-http-addr</c>, then <c>MESH_HTTP_ADDR</c>, then
/// <c>CONSUL_HTTP_ADDR</c> (for drop-in use), then <c>http://127.0.0.1:8500</c>; the token from <see cref="ClientToken"/>
/// (<c>-token</c>, <c>-token-file</c>, the environment); TLS settings from <see cref="ClientTlsSettings"/>.
/// </summary>
public sealed class HttpApiClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly ServerCertificateVerifier? _verifier;

    public HttpApiClient(string? address, string? token)
        : this(address, token, new ClientTlsSettings())
    {
    }

    public HttpApiClient(string? address, string? token, ClientTlsSettings tls)
    {
        BaseAddress = ResolveAddress(address);
        Tls = tls;
        var handler = new SocketsHttpHandler();
        if (BaseAddress.Scheme == Uri.UriSchemeHttps)
        {
            var verifier = new ServerCertificateVerifier(tls);
            var dialled = BaseAddress.IdnHost.Trim('[', ']');
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, chain, errors) => verifier.Verify(dialled, certificate, chain, errors);
            if (!string.IsNullOrEmpty(tls.ClientCert) && !string.IsNullOrEmpty(tls.ClientKey))
            {
                handler.SslOptions.ClientCertificates = [ServerCertificateVerifier.LoadClientCertificate(tls.ClientCert, tls.ClientKey)];
            }

            _verifier = verifier;
        }

        _http = new HttpClient(handler) { BaseAddress = BaseAddress, Timeout = TimeSpan.FromMinutes(11) };
        Token = ClientToken.Resolve(token, tokenFile: null);
        if (Token is not null)
        {
            _http.DefaultRequestHeaders.Add("X-Consul-Token", Token);
        }
    }

    public Uri BaseAddress { get; }

    /// <summary>The ACL token sent with every request, or null for none (<c>connect envoy</c> puts it in the bootstrap).</summary>
    public string? Token { get; }

    /// <summary>The TLS settings this client was made with (<c>connect envoy</c> falls back to its CA for gRPC).</summary>
    public ClientTlsSettings Tls { get; }

    public static void AddFlags(FlagSet flags)
    {
        flags.AddString("http-addr", null, "The address of the Mesh HTTP API, http:// or https:// (env MESH_HTTP_ADDR or CONSUL_HTTP_ADDR; default http://127.0.0.1:8500)")
            .AddString("datacenter", null, "Datacenter to query (only the local one is served)");
        ClientToken.AddFlags(flags);
        ClientTlsSettings.AddFlags(flags);
    }

    public static HttpApiClient FromFlags(FlagSet flags) => new(flags.GetString("http-addr"), ClientToken.FromFlags(flags), ClientTlsSettings.FromFlags(flags));

    /// <summary>
    /// The API address: <c>-http-addr</c>, <c>MESH_HTTP_ADDR</c>, <c>CONSUL_HTTP_ADDR</c>, then <c>127.0.0.1:8500</c>. An
    /// address without a scheme is <c>https</c> when <c>CONSUL_HTTP_SSL</c> (or <c>MESH_HTTP_SSL</c>) is true, as in
    /// Consul's client; an explicit <c>http://</c> or <c>https://</c> wins over it.
    /// </summary>
    public static Uri ResolveAddress(string? address)
    {
        address = FirstNonEmpty(address, Environment.GetEnvironmentVariable("MESH_HTTP_ADDR"), Environment.GetEnvironmentVariable("CONSUL_HTTP_ADDR"))
                  ?? "127.0.0.1:8500";
        if (!address.Contains("://", StringComparison.Ordinal))
        {
            address = (ClientEnvironment.GetBool("HTTP_SSL") == true ? "https://" : "http://") + address;
        }

        return Uri.TryCreate(address, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri
            : throw new UsageException($"invalid HTTP address \"{address}\" (Unknown protocol scheme: only http:// and https:// are supported)");
    }

    public async Task<string> GetAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, path), cancellationToken).ConfigureAwait(false);
        return await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<string> PutAsync(string path, string? json, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(HttpMethod.Put, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
        }

        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        return await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends without turning an error status into a <see cref="CliException"/> (the caller decides).</summary>
    public async Task<HttpResponseMessage> SendUncheckedAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        try
        {
            using (request)
            {
                return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (HttpRequestException error)
        {
            throw new CliException($"Error connecting to Mesh at {BaseAddress}: {Describe(error)}");
        }
    }

    public async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await SendUncheckedAsync(request, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            var message = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            response.Dispose();
            throw new CliException($"Unexpected response code: {status} ({message.Trim()})");
        }

        return response;
    }

    public void Dispose() => _http.Dispose();

    /// <summary>The verifier's reason when it refused the server; otherwise the exception chain's messages.</summary>
    private string Describe(HttpRequestException error)
    {
        if (_verifier?.LastFailure is { } refused)
        {
            return refused;
        }

        var messages = new List<string>();
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            messages.Add(e.Message);
        }

        var text = string.Join(": ", messages.Distinct());
        return BaseAddress.Scheme == Uri.UriSchemeHttps && string.IsNullOrEmpty(Tls.ClientCert)
            ? text + " (if the server sets verify_incoming, give -client-cert and -client-key)"
            : text;
    }

    private static string? FirstNonEmpty(params string?[] values) => values.FirstOrDefault(v => !string.IsNullOrEmpty(v));
}

/// <summary>A command failure: its message is printed to stderr and the process exits 1.</summary>
public sealed class CliException(string message) : Exception(message)
{
    public CliException()
        : this("command failed")
    {
    }

    public CliException(string message, Exception inner)
        : this(message + ": " + inner.Message)
    {
    }
}
