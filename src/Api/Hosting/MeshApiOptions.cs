namespace Mesh.Api.Hosting;

/// <summary>Where the HTTP API listens (Consul's <c>client_addr</c> and <c>ports.http</c>; port 0 picks a free one).</summary>
public sealed record MeshApiOptions
{
    public IReadOnlyList<string> Addresses { get; init; } = ["127.0.0.1"];

    /// <summary>The plaintext port; negative turns it off (<c>ports.http = -1</c>).</summary>
    public int Port { get; init; } = 8500;

    /// <summary>The HTTPS port (<c>ports.https</c>), used when <see cref="ConfigureHttps"/> is set.</summary>
    public int HttpsPort { get; init; } = -1;

    /// <summary>Applies the agent's TLS to the HTTPS listener (the TLS material lives with the agent, not here).</summary>
    public Action<Microsoft.AspNetCore.Server.Kestrel.Core.ListenOptions>? ConfigureHttps { get; init; }

    /// <summary>
    /// Endpoints the host adds beside the API (the agent maps the web UI's <c>/ui/</c> here); they pass through the
    /// same middleware (metrics, errors, token checks) as the API's own routes. Null: none.
    /// </summary>
    public Action<Microsoft.AspNetCore.Routing.IEndpointRouteBuilder>? MapHostEndpoints { get; init; }

    /// <summary>
    /// Called once, after the response to the first request this API served has been sent (the agent's start-up
    /// timeline ends there). Null: nothing is watched.
    /// </summary>
    public Action? FirstRequestServed { get; init; }
}
