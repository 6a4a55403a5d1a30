using System.Collections.Immutable;
using System.Globalization;
using Mesh.Connect;
using Microsoft.Extensions.Logging;

namespace Mesh.ConnectProxy;

/// <summary>What <c>mesh connect proxy</c> was asked to do (its flags, already parsed by the CLI).</summary>
public sealed record ProxyCommandOptions
{
    public required ConnectApiOptions Api { get; init; }

    public string? ProxyId { get; init; }

    public string? SidecarFor { get; init; }

    public string? Service { get; init; }

    public string? ServiceAddress { get; init; }

    public string? Listen { get; init; }

    public IReadOnlyList<string> Upstreams { get; init; } = [];

    public bool Register { get; init; }

    public string? RegisterId { get; init; }

    public string? PrometheusBindAddress { get; init; }

    /// <summary>Checks the flag combination (Consul's rules); returns the usage error or null.</summary>
    public string? Validate()
    {
        var modes = new[] { ProxyId, SidecarFor, Service }.Count(s => !string.IsNullOrEmpty(s));
        if (modes == 0)
        {
            return "One of -proxy-id, -sidecar-for or -service must be given";
        }

        if (modes > 1)
        {
            return "Give only one of -proxy-id, -sidecar-for or -service";
        }

        if (!string.IsNullOrEmpty(Listen) && string.IsNullOrEmpty(ServiceAddress))
        {
            return "-service-addr is required with -listen";
        }

        if (string.IsNullOrEmpty(Service) && (Upstreams.Count > 0 || !string.IsNullOrEmpty(Listen) || Register))
        {
            return "-listen, -upstream and -register are only valid with -service";
        }

        if (Register && string.IsNullOrEmpty(Listen))
        {
            return "-register needs -listen";
        }

        return null;
    }

    /// <summary>The dev-mode configuration from <c>-service</c>, <c>-service-addr</c>, <c>-listen</c>, <c>-upstream name:port</c>.</summary>
    public ProxyConfig FlagsConfig()
    {
        PublicListenerConfig? listener = null;
        if (!string.IsNullOrEmpty(Listen))
        {
            var bind = ConnectProxyRunner.ParseEndPoint(Listen, "-listen");
            var local = ConnectProxyRunner.ParseEndPoint(ServiceAddress!, "-service-addr");
            listener = new PublicListenerConfig(bind.Address.ToString(), bind.Port, local.Address.ToString(), local.Port, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10));
        }

        var upstreams = ImmutableArray.CreateBuilder<UpstreamConfig>();
        foreach (var upstream in Upstreams)
        {
            var colon = upstream.LastIndexOf(':');
            if (colon <= 0 || !int.TryParse(upstream.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            {
                throw new ProxyConfigException($"-upstream: \"{upstream}\" is not name:port");
            }

            upstreams.Add(new UpstreamConfig("service", upstream[..colon], string.Empty, "127.0.0.1", port, TimeSpan.FromSeconds(10)));
        }

        return new ProxyConfig { Service = Service!, Public = listener, Upstreams = upstreams.ToImmutable() };
    }

    /// <summary>Runs the proxy for these options until <paramref name="cancellationToken"/> fires.</summary>
    public async Task RunAsync(ILoggerFactory loggerFactory, Action<ConnectProxyRunner>? started, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(loggerFactory);
        var logger = loggerFactory.CreateLogger("Mesh.ConnectProxy");
        using var api = new ConnectApiClient(Api);
        IProxyConfigSource source;
        Task registration = Task.CompletedTask;
        if (!string.IsNullOrEmpty(Service))
        {
            var config = FlagsConfig();
            source = new StaticProxyConfigSource(config);
            if (Register)
            {
                registration = new ProxyRegistration(api, config, RegisterId, logger).RunAsync(cancellationToken);
            }
        }
        else
        {
            var proxyId = ProxyId ?? await RegistrationConfigSource.FindSidecarAsync(api, SidecarFor!, cancellationToken).ConfigureAwait(false);
            source = new RegistrationConfigSource(api, proxyId, logger);
        }

        await using var runner = new ConnectProxyRunner(Api, loggerFactory, PrometheusBindAddress);
        _ = runner.Started.ContinueWith(_ => started?.Invoke(runner), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
        await runner.RunAsync(source, cancellationToken).ConfigureAwait(false);
        await registration.ConfigureAwait(false);
    }
}
