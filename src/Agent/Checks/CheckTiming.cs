using Mesh.Config.Durations;
using Mesh.Fsm.Model;

namespace Mesh.Agent.Checks;

/// <summary>Reads a check's Go-duration fields with the runner's defaults and limits.</summary>
internal static class CheckTiming
{
    public static TimeSpan Interval(HealthCheck check, CheckRunnerOptions options)
    {
        var interval = Parse(check.Interval, check.Definition.Interval) ?? options.DefaultInterval;
        return interval < options.MinInterval ? options.MinInterval : interval;
    }

    public static TimeSpan Timeout(HealthCheck check, CheckRunnerOptions options)
        => Parse(check.Timeout, check.Definition.Timeout) ?? (check.Type == "script" ? options.ScriptTimeout : options.DefaultTimeout);

    /// <summary>DeregisterCriticalServiceAfter, or null when the check has none.</summary>
    public static TimeSpan? DeregisterAfter(HealthCheck check) => Parse(check.Definition.DeregisterCriticalServiceAfter);

    private static TimeSpan? Parse(params string[] candidates)
    {
        foreach (var text in candidates)
        {
            if (GoDuration.TryParse(text, out var value) && value > TimeSpan.Zero)
            {
                return value;
            }
        }

        return null;
    }
}
