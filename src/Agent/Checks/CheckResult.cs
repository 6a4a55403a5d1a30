using Mesh.Fsm.Model;

namespace Mesh.Agent.Checks;

/// <summary>What one run of a check found: a status and the output shown next to it.</summary>
public readonly record struct CheckResult(string Status, string Output)
{
    public static CheckResult Passing(string output) => new(HealthStatus.Passing, output);

    public static CheckResult Warning(string output) => new(HealthStatus.Warning, output);

    public static CheckResult Critical(string output) => new(HealthStatus.Critical, output);
}
