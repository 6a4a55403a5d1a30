namespace Mesh.Ca.Signing;

/// <summary>
/// Consul's <c>CSRMaxPerSecond</c> (a token bucket holding up to one second's worth) and <c>CSRMaxConcurrent</c>
/// limits on the leader. A refused signing is not queued: the requester retries, as Consul's agents do.
/// Limits of 0 are off.
/// </summary>
public sealed class CsrLimiter(TimeProvider clock)
{
    private readonly object _gate = new();
    private double _tokens = double.NaN;
    private long _refilledAt;
    private int _inFlight;

    public bool TryEnter(double perSecond, int maxConcurrent)
    {
        lock (_gate)
        {
            if (maxConcurrent > 0 && _inFlight >= maxConcurrent)
            {
                return false;
            }

            if (perSecond > 0)
            {
                var burst = Math.Max(1, perSecond);
                var now = clock.GetTimestamp();
                _tokens = double.IsNaN(_tokens) ? burst : Math.Min(burst, _tokens + (clock.GetElapsedTime(_refilledAt, now).TotalSeconds * perSecond));
                _refilledAt = now;
                if (_tokens < 1)
                {
                    return false;
                }

                _tokens -= 1;
            }

            _inFlight++;
            return true;
        }
    }

    public void Exit()
    {
        lock (_gate)
        {
            _inFlight--;
        }
    }
}
