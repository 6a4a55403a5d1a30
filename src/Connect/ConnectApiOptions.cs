namespace Mesh.Connect;

/// <summary>
/// Where the Mesh (or Consul) HTTP API is and how to call it. <see cref="FromEnvironment"/> reads the same variables as
/// the <c>mesh</c> CLI: <c>MESH_HTTP_ADDR</c>/<c>CONSUL_HTTP_ADDR</c> and <c>MESH_HTTP_TOKEN</c>/<c>CONSUL_HTTP_TOKEN</c>.
/// </summary>
public sealed record ConnectApiOptions
{
    public static Uri DefaultAddress { get; } = new("http://127.0.0.1:8500");

    public Uri Address { get; init; } = DefaultAddress;

    public string? Token { get; init; }

    /// <summary>
    /// Makes the handler that carries API calls. The seam for TLS to the API (CA file, client certificate), which the
    /// CLI's TLS settings will fill; null means a plain <see cref="SocketsHttpHandler"/>.
    /// </summary>
    public Func<HttpMessageHandler>? HandlerFactory { get; init; }

    /// <summary>How long a blocking query may wait on the server (Consul's <c>wait</c>); the server adds jitter.</summary>
    public TimeSpan BlockingWait { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The environment's settings, each overridden by a non-empty argument.</summary>
    public static ConnectApiOptions FromEnvironment(string? address = null, string? token = null)
    {
        address = FirstNonEmpty(address, Environment.GetEnvironmentVariable("MESH_HTTP_ADDR"), Environment.GetEnvironmentVariable("CONSUL_HTTP_ADDR"));
        token = FirstNonEmpty(token, Environment.GetEnvironmentVariable("MESH_HTTP_TOKEN"), Environment.GetEnvironmentVariable("CONSUL_HTTP_TOKEN"));
        var ssl = FirstNonEmpty(Environment.GetEnvironmentVariable("MESH_HTTP_SSL"), Environment.GetEnvironmentVariable("CONSUL_HTTP_SSL"));
        return new ConnectApiOptions { Address = address is null ? DefaultAddress : ParseAddress(address, ssl is "1" or "true"), Token = token };
    }

    /// <summary><c>host:port</c>, <c>http://host:port</c> or <c>https://host:port</c>, as Consul's clients accept.</summary>
    public static Uri ParseAddress(string address, bool https = false)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (!address.Contains("://", StringComparison.Ordinal))
        {
            address = (https ? "https://" : "http://") + address;
        }

        return Uri.TryCreate(address, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri
            : throw new ArgumentException($"invalid HTTP address \"{address}\"", nameof(address));
    }

    private static string? FirstNonEmpty(params string?[] values) => values.FirstOrDefault(v => !string.IsNullOrEmpty(v));
}
