using Envoy.Config.Cluster.V3;
using Google.Protobuf.WellKnownTypes;
using Mesh.Config.ConfigEntries;
using Mesh.Config.Durations;

namespace Mesh.EnvoyResources;

/// <summary>
/// Upstream cluster limits and passive health checks as Envoy settings: Consul's circuit-breaker thresholds (a limit
/// of zero is unset, and no limit at all leaves the thresholds out) and its <c>ToOutlierDetection</c> (defaults, then
/// an override's non-empty values on top; an empty result still turns outlier detection on with Envoy's defaults).
/// </summary>
internal static class ClusterLimits
{
    /// <summary>One thresholds entry holding the non-zero limits, or null when every limit is zero.</summary>
    public static CircuitBreakers.Types.Thresholds? Thresholds(uint maxConnections, uint maxPendingRequests, uint maxRequests)
    {
        if (maxConnections == 0 && maxPendingRequests == 0 && maxRequests == 0)
        {
            return null;
        }

        var thresholds = new CircuitBreakers.Types.Thresholds();
        if (maxConnections > 0)
        {
            thresholds.MaxConnections = maxConnections;
        }

        if (maxPendingRequests > 0)
        {
            thresholds.MaxPendingRequests = maxPendingRequests;
        }

        if (maxRequests > 0)
        {
            thresholds.MaxRequests = maxRequests;
        }

        return thresholds;
    }

    /// <summary>
    /// Consul's <c>ToOutlierDetection(defaults, override, allowZero)</c>: <c>MaxFailures</c> 0 in the override counts
    /// only with <paramref name="allowZero"/>.
    /// </summary>
    public static OutlierDetection OutlierDetection(PassiveHealthCheck? defaults, PassiveHealthCheck? overrides, bool allowZero)
    {
        var detection = new OutlierDetection();
        if (defaults is not null)
        {
            Apply(detection, defaults, allowZeroFailures: false);
        }

        if (overrides is not null)
        {
            Apply(detection, overrides, allowZero);
        }

        return detection;
    }

    private static void Apply(OutlierDetection detection, PassiveHealthCheck check, bool allowZeroFailures)
    {
        if (GoDuration.TryParse(check.Interval, out var interval) && interval != TimeSpan.Zero)
        {
            detection.Interval = Duration.FromTimeSpan(interval);
        }

        if (check.MaxFailures != 0 || allowZeroFailures)
        {
            detection.Consecutive5Xx = check.MaxFailures;
        }

        if (check.EnforcingConsecutive5xx is { } enforcing)
        {
            detection.EnforcingConsecutive5Xx = enforcing;
        }

        if (check.MaxEjectionPercent is { } percent)
        {
            detection.MaxEjectionPercent = percent;
        }

        if (GoDuration.TryParse(check.BaseEjectionTime, out var ejection))
        {
            detection.BaseEjectionTime = Duration.FromTimeSpan(ejection);
        }
    }
}
