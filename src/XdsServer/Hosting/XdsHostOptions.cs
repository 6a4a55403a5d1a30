namespace Mesh.XdsServer.Hosting;

/// <summary>The gRPC port and the xDS pipeline's knobs (Consul's <c>ports.grpc</c>, <c>xds.*</c>).</summary>
public sealed record XdsHostOptions
{
    public IReadOnlyList<string> Addresses { get; init; } = ["127.0.0.1"];

    /// <summary>The plaintext gRPC port; negative turns it off (<c>ports.grpc = -1</c>).</summary>
    public int Port { get; init; } = 8502;

    /// <summary>The TLS gRPC port (<c>ports.grpc_tls</c>), used when <see cref="ConfigureTls"/> is set.</summary>
    public int TlsPort { get; init; } = -1;

    /// <summary>Applies the agent's TLS to the TLS listener (HTTP/2 only; the TLS material lives with the agent).</summary>
    public Action<Microsoft.AspNetCore.Server.Kestrel.Core.ListenOptions>? ConfigureTls { get; init; }

    public TimeSpan CoalesceDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    public double UpdateMaxPerSecond { get; init; }

    public int MaxStreams { get; init; } = XdsServerOptions.DefaultMaxStreams;
}
