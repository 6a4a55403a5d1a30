using System.Net;
using System.Text;
using System.Text.Json;
using Mesh.Fsm.Commands;
using Mesh.Fsm.Model;
using Mesh.Testing;

namespace Mesh.Api.Tests.Acl;

/// <summary>
/// One row of an ACL matrix: a request, the rules of the token that should be allowed it, and the expected answer
/// for each of the five tokens (none, unknown, read-only, write on another service, the right one).
/// </summary>
internal sealed record AclMatrixCase(string Name, HttpMethod Method, string Path, string? Body, string RightRules, string[] Expected);

/// <summary>Runs matrix rows against a server with ACLs on and reports every cell that differs.</summary>
internal static class AclMatrix
{
    public const string ReadOnlyRules = """
        service_prefix "" { policy = "read" }
        node_prefix "" { policy = "read" }
        agent_prefix "" { policy = "read" }
        operator = "read"
        """;

    public const string OtherServiceRules = """
        service "other" { policy = "write" intentions = "write" }
        node "other" { policy = "write" }
        """;

    /// <summary>
    /// A node <c>n1</c> with services <c>web</c> and <c>db</c> (each with a check), a proxy-defaults entry and a
    /// service-defaults entry for web, written as management through the command pipeline.
    /// </summary>
    public static async Task SeedAsync(TestServer server)
    {
        // Requests without a token stand for the anonymous token, which the leader creates just after it is elected.
        await AclApiServer.WaitForLeaderDutiesAsync(server);
        foreach (var name in new[] { "web", "db" })
        {
            await AclTestTokens.ProposeAsync(server, new RegisterCommand
            {
                Node = "n1",
                NodeId = "7c0a36b7-3d05-4c1c-9a6e-000000000001",
                Address = "10.0.0.1",
                Datacenter = "dc1",
                Service = new NodeService { Id = name + "1", Service = name, Port = 8080 },
                Checks = [new HealthCheck { Node = "n1", CheckId = name + "-check", Name = name, Status = HealthStatus.Passing, ServiceId = name + "1", ServiceName = name }],
            });
        }

        using var proxyDefaults = new StringContent("""{"Kind":"proxy-defaults","Name":"global","Config":{"protocol":"http"}}""", Encoding.UTF8, "application/json");
        using var serviceDefaults = new StringContent("""{"Kind":"service-defaults","Name":"web","Protocol":"http"}""", Encoding.UTF8, "application/json");
        var management = await AclTestTokens.CreateAsync(server, """
            acl = "write"
            operator = "write"
            service_prefix "" { policy = "write" intentions = "write" }
            node_prefix "" { policy = "write" }
            """);
        foreach (var content in new[] { proxyDefaults, serviceDefaults })
        {
            using var request = new HttpRequestMessage(HttpMethod.Put, "/v1/config") { Content = content };
            request.Headers.Add("X-Consul-Token", management);
            using var response = await server.Http.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    public static async Task<IReadOnlyList<string>> RunAsync(TestServer server, IEnumerable<AclMatrixCase> cases)
    {
        var readOnly = await AclTestTokens.CreateAsync(server, ReadOnlyRules);
        var other = await AclTestTokens.CreateAsync(server, OtherServiceRules);
        var failures = new List<string>();
        foreach (var row in cases)
        {
            var right = await AclTestTokens.CreateAsync(server, row.RightRules);
            string?[] tokens = [null, Guid.NewGuid().ToString(), readOnly, other, right];
            string[] labels = ["none", "unknown", "read-only", "other-service", "right"];
            for (var i = 0; i < tokens.Length; i++)
            {
                var actual = await AnswerAsync(server, row, tokens[i], row.Expected[i]);
                if (actual != row.Expected[i])
                {
                    failures.Add($"{row.Name} with {labels[i]} token: expected {row.Expected[i]}, got {actual}");
                }
            }
        }

        return failures;
    }

    /// <summary>
    /// "notfound" (403 ACL not found), "denied" (403 Permission denied: ...), "ok" (200), or for reads whose
    /// expectation starts with "items": "items:N" plus "+filtered" when the filtered header is set.
    /// </summary>
    public static async Task<string> AnswerAsync(TestServer server, AclMatrixCase row, string? token, string expected)
    {
        using var request = new HttpRequestMessage(row.Method, row.Path);
        if (row.Body is not null)
        {
            request.Content = new StringContent(row.Body, Encoding.UTF8, "application/json");
        }

        if (token is not null)
        {
            request.Headers.Add("X-Consul-Token", token);
        }

        using var response = await server.Http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode == HttpStatusCode.Forbidden)
        {
            return body == "ACL not found" ? "notfound"
                : body.StartsWith("Permission denied", StringComparison.Ordinal) ? "denied"
                : "403:" + body;
        }

        if (response.StatusCode != HttpStatusCode.OK)
        {
            return $"{(int)response.StatusCode}:{body}";
        }

        if (!expected.StartsWith("items", StringComparison.Ordinal))
        {
            return "ok";
        }

        var root = JsonDocument.Parse(body).RootElement;
        var count = root.ValueKind == JsonValueKind.Array ? root.GetArrayLength() : root.EnumerateObject().Count();
        var filtered = response.Headers.TryGetValues("X-Consul-Results-Filtered-By-ACLs", out var values) && values.Contains("true");
        return $"items:{count}" + (filtered ? "+filtered" : string.Empty);
    }
}
