using Mesh.Fsm.Model;

namespace Mesh.Agent.Checks;

/// <summary>
/// What decides how a check runs. A running check is restarted only when this changes, not on every status write
/// (each write replaces the row, so the row itself cannot be compared).
/// </summary>
internal sealed record CheckSpec(
    string Type, string Interval, string Timeout, string Http, string Method, string Headers, string Body,
    bool TlsSkipVerify, string Tcp, string AliasNode, string AliasService, string ScriptArgs)
{
    public static bool IsRunnable(HealthCheck check) => check.Type is "tcp" or "http" or "alias" or "script";

    public static CheckSpec Of(HealthCheck check)
    {
        var d = check.Definition;
        var headers = string.Join('\n', d.Header.OrderBy(h => h.Key, StringComparer.Ordinal).Select(h => h.Key + ":" + string.Join('\u0001', h.Value)));
        return new CheckSpec(
            check.Type, check.Interval.Length > 0 ? check.Interval : d.Interval, check.Timeout.Length > 0 ? check.Timeout : d.Timeout,
            d.HTTP, d.Method, headers, d.Body, d.TLSSkipVerify, d.TCP, d.AliasNode, d.AliasService, string.Join('\u0001', d.ScriptArgs));
    }
}
