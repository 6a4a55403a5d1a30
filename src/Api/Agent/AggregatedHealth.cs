using Mesh.Fsm.Model;
using Microsoft.AspNetCore.Http;

namespace Mesh.Api.Agent;

/// <summary>
/// Consul's <c>HealthChecks.AggregatedStatus</c> and the HTTP status the agent health endpoints answer with it:
/// a maintenance check wins, then critical, warning, passing (no checks is passing); 200 passing, 429 warning,
/// 503 anything worse.
/// </summary>
public static class AggregatedHealth
{
    public const string NodeMaintenanceCheckId = "_node_maintenance";

    public const string ServiceMaintenancePrefix = "_service_maintenance:";

    public static string Of(IEnumerable<HealthCheck> checks)
    {
        bool passing = false, warning = false, critical = false, maintenance = false;
        foreach (var check in checks)
        {
            if (check.CheckId == NodeMaintenanceCheckId || check.CheckId.StartsWith(ServiceMaintenancePrefix, StringComparison.Ordinal))
            {
                maintenance = true;
                continue;
            }

            switch (check.Status)
            {
                case HealthStatus.Passing:
                    passing = true;
                    break;
                case HealthStatus.Warning:
                    warning = true;
                    break;
                case HealthStatus.Critical:
                    critical = true;
                    break;
                default:
                    return string.Empty;
            }
        }

        return maintenance ? HealthStatus.Maintenance
            : critical ? HealthStatus.Critical
            : warning ? HealthStatus.Warning
            : passing ? HealthStatus.Passing
            : HealthStatus.Passing;
    }

    public static int StatusCode(string aggregated) => aggregated switch
    {
        HealthStatus.Passing => StatusCodes.Status200OK,
        HealthStatus.Warning => StatusCodes.Status429TooManyRequests,
        _ => StatusCodes.Status503ServiceUnavailable,
    };
}
