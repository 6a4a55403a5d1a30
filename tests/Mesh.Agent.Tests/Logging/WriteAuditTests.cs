using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Mesh.Acl;
using Mesh.Acl.Authorization;
using Mesh.Testing;

namespace Mesh.Agent.Tests.Logging;

/// <summary>The audit line of every write: who (accessor or anonymous), what (method and path), the index and the status.</summary>
public sealed partial class WriteAuditTests
{
    [GeneratedRegex(@"index (\d+)$")]
    private static partial Regex IndexOf();

    [Fact]
    public async Task Writes_AreAudited_WithAccessorAndIndex_NeverTheSecret()
    {
        var logs = new CapturedLogs();
        await using var server = await TestServer.StartAsync(c => c with { Acl = new AclConfig { Enabled = true, DefaultPolicy = AclDefaultPolicy.Deny } }, loggerFactory: logs);
        var secret = await AclTestTokens.ManagementAsync(server);
        var accessor = server.Server.Fsm.Current.FindAclTokenBySecret(secret)!.AccessorId;

        // An ACL change with the token in the header, a config write with it in the query string.
        using (var policy = new HttpRequestMessage(HttpMethod.Put, "/v1/acl/policy") { Content = new StringContent("""{"Name":"readers","Rules":"node_prefix \"\" { policy = \"read\" }"}""", Encoding.UTF8, "application/json") })
        {
            policy.Headers.Add("X-Consul-Token", secret);
            using var response = await server.Http.SendAsync(policy);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        using (var config = await server.PutJsonAsync($"/v1/config?token={secret}", """{"Kind":"service-defaults","Name":"web","Protocol":"http"}"""))
        {
            Assert.Equal(HttpStatusCode.OK, config.StatusCode);
        }

        using (var denied = await server.PutJsonAsync("/v1/catalog/register", """{"Node":"n1","Address":"10.0.0.1"}"""))
        {
            Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        }

        var acl = Assert.Single(logs.Lines, l => l.Contains($"audit: acl by {accessor}: PUT /v1/acl/policy -> 200, index ", StringComparison.Ordinal));
        Assert.True(long.Parse(IndexOf().Match(acl).Groups[1].Value) > 0, acl);
        var write = Assert.Single(logs.Lines, l => l.Contains($"audit: write by {accessor}: PUT /v1/config -> 200, index ", StringComparison.Ordinal));
        Assert.True(long.Parse(IndexOf().Match(write).Groups[1].Value) > 0, write);
        Assert.Single(logs.Lines, l => l.Contains("audit: write by anonymous: PUT /v1/catalog/register -> 403, index 0", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Lines, l => l.Contains(secret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task CaConfigurationChange_IsAuditedAsSuch()
    {
        var logs = new CapturedLogs();
        await using var server = await TestServer.StartAsync(loggerFactory: logs);
        using (var response = await server.PutJsonAsync("/v1/connect/ca/configuration", """{"Provider":"consul","Config":{"LeafCertTTL":"72h"}}"""))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var line = Assert.Single(logs.Lines, l => l.Contains("audit: ca-config by anonymous: PUT /v1/connect/ca/configuration -> 200, index ", StringComparison.Ordinal));
        Assert.True(long.Parse(IndexOf().Match(line).Groups[1].Value) > 0, line);
    }

    [Fact]
    public async Task Reads_AreNotAudited()
    {
        var logs = new CapturedLogs();
        await using var server = await TestServer.StartAsync(loggerFactory: logs);
        await server.GetJsonAsync("/v1/catalog/services");
        Assert.DoesNotContain(logs.Lines, l => l.Contains("audit:", StringComparison.Ordinal) && l.Contains("/v1/catalog/services", StringComparison.Ordinal));
    }
}
