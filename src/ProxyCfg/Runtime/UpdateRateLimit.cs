using System.Threading.RateLimiting;

namespace Mesh.ProxyCfg;

/// <summary>
/// The server-wide budget of proxy rebuilds (Consul's <c>xds.update_max_per_second</c>): a token bucket refilled every
/// 100 ms with a tenth of the rate, so a burst is at most a tenth of a second's worth. Waiters are served in order.
/// </summary>
internal sealed class UpdateRateLimit : IDisposable
{
    private static readonly TimeSpan Period = TimeSpan.FromMilliseconds(100);
    private readonly TokenBucketRateLimiter? _bucket;

    public UpdateRateLimit(double perSecond)
    {
        if (perSecond <= 0)
        {
            return;
        }

        var perPeriod = Math.Max(1, (int)Math.Round(perSecond * Period.TotalSeconds));
        _bucket = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = perPeriod,
            TokensPerPeriod = perPeriod,
            ReplenishmentPeriod = Period,
            QueueLimit = int.MaxValue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        });
    }

    /// <summary>Waits for one rebuild's token (at once when there is no limit).</summary>
    public async ValueTask AcquireAsync(CancellationToken cancellationToken)
    {
        if (_bucket is null)
        {
            return;
        }

        using var lease = await _bucket.AcquireAsync(1, cancellationToken).ConfigureAwait(false);
    }

    public void Dispose() => _bucket?.Dispose();
}
