namespace Mesh.ConnectProxy;

/// <summary>Where the proxy's configuration comes from: flags (once) or its registration (followed live).</summary>
public interface IProxyConfigSource
{
    IAsyncEnumerable<ProxyConfig> ReadAsync(CancellationToken cancellationToken);
}

/// <summary>Dev mode: the configuration built from <c>-service</c>/<c>-listen</c>/<c>-upstream</c>, never changing.</summary>
public sealed class StaticProxyConfigSource(ProxyConfig config) : IProxyConfigSource
{
    public async IAsyncEnumerable<ProxyConfig> ReadAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        yield return config;
        await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
    }
}
