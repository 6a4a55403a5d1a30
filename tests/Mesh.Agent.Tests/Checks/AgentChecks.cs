using System.Text.Json;
using Mesh.Testing;

namespace Mesh.Agent.Tests.Checks;

/// <summary>Reads checks through <c>/v1/agent/checks</c> and waits for them to reach a status.</summary>
public static class AgentChecks
{
    public sealed record CheckView(string Status, string Output, long ModifyIndex)
    {
        public static CheckView Missing { get; } = new("missing", string.Empty, 0);
    }

    public static async Task<CheckView> ReadAsync(TestServer server, string checkId)
    {
        var checks = await server.GetJsonAsync("/v1/agent/checks");
        return checks.TryGetProperty(checkId, out var check)
            ? new CheckView(check.GetProperty("Status").GetString()!, check.GetProperty("Output").GetString()!, check.GetProperty("ModifyIndex").GetInt64())
            : CheckView.Missing;
    }

    /// <summary>
    /// Waits for a status set by a check run. Registered checks start critical with no output, and every run writes an
    /// output, so a critical check with no output has not run yet.
    /// </summary>
    public static Task<CheckView> WaitForStatusAsync(TestServer server, string checkId, string status, TimeSpan? timeout = null)
        => Eventually.ValueAsync(
            () => ReadAsync(server, checkId), c => c.Status == status && c.Output.Length > 0, timeout ?? TimeSpan.FromSeconds(15), $"check {checkId} to be {status}");

    public static async Task RegisterServiceAsync(TestServer server, string json)
    {
        using var response = await server.PutJsonAsync("/v1/agent/service/register", json);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"register returned {(int)response.StatusCode}: {body}");
    }

    public static async Task<bool> ServiceExistsAsync(TestServer server, string serviceId)
    {
        var services = await server.GetJsonAsync("/v1/agent/services");
        return services.ValueKind == JsonValueKind.Object && services.TryGetProperty(serviceId, out _);
    }
}
