namespace Mesh.Connect;

/// <summary>
/// Hands <c>https://</c> requests to the inner handler as <c>http://</c>: the inner handler's connect callback already
/// returns an authenticated Connect TLS stream, and the handler must not wrap it in TLS a second time.
/// </summary>
internal sealed class ConnectSchemeHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.RequestUri is { Scheme: "https" } uri)
        {
            request.RequestUri = new UriBuilder(uri) { Scheme = Uri.UriSchemeHttp, Port = -1 }.Uri;
        }

        return base.SendAsync(request, cancellationToken);
    }
}
