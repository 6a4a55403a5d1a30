using Mesh.Api.Http;
using Mesh.Fsm.Model;

namespace Mesh.Api.Translation;

/// <summary>
/// Consul's rule for script checks: off by default; <c>enable_script_checks</c> allows them from the HTTP API and config
/// files, <c>enable_local_script_checks</c> only from config files (the messages are Consul's).
/// </summary>
public static class ScriptCheckGate
{
    public const string RemoteDisabled = "Scripts are disabled on this agent from remote calls; to enable, configure 'enable_script_checks' to true";

    public const string LocalDisabled = "Scripts are disabled on this agent; to enable, configure 'enable_script_checks' or 'enable_local_script_checks' to true";

    /// <summary>A check registered through the HTTP API: a 400 unless <c>enable_script_checks</c> is on.</summary>
    public static void RequireRemote(IEnumerable<HealthCheck> checks, bool enableScriptChecks)
    {
        if (!enableScriptChecks && checks.Any(IsScript))
        {
            throw ApiException.BadRequest(RemoteDisabled);
        }
    }

    /// <summary>A check from a config file: refused (the message) unless either setting is on; null when allowed.</summary>
    public static string? LocalRefusal(IEnumerable<HealthCheck> checks, bool enableScriptChecks, bool enableLocalScriptChecks)
        => !enableScriptChecks && !enableLocalScriptChecks && checks.Any(IsScript) ? LocalDisabled : null;

    public static bool IsScript(HealthCheck check) => check.Type == "script";
}
