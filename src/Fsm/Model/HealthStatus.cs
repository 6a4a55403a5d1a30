namespace Mesh.Fsm.Model;

/// <summary>Consul's check states, as the strings that appear on the wire.</summary>
public static class HealthStatus
{
    public const string Passing = "passing";
    public const string Warning = "warning";
    public const string Critical = "critical";
    public const string Maintenance = "maintenance";

    /// <summary>The <c>any</c> pseudo-state accepted by <c>/v1/health/state/:state</c>.</summary>
    public const string Any = "any";

    public static bool IsValid(string? status)
        => status is Passing or Warning or Critical or Maintenance;

    /// <summary>Severity order used to aggregate several checks into one status (worst wins).</summary>
    public static int Severity(string status) => status switch
    {
        Passing => 0,
        Warning => 1,
        Critical => 2,
        Maintenance => 3,
        _ => 2,
    };
}
