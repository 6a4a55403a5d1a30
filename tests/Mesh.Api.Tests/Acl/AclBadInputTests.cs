using System.Net;
using System.Text.Json;
using Mesh.Api.Tests.Support;
using Mesh.Fsm.Model.Acl;

namespace Mesh.Api.Tests.Acl;

/// <summary>
/// Bad ACL requests get a clear 4xx and leave the store exactly as it was (digest compared for each), and writes
/// without acl:write are refused whatever their body.
/// </summary>
public sealed class AclBadInputTests
{
    [Fact]
    public async Task EveryBadRequestIsA4xxWithAClearMessage_AndChangesNothing()
    {
        var (server, management) = await AclApiServer.StartAsync();
        await using var owned = server;
        var policyId = (await AclApiServer.CreatePolicyAsync(server, management, "existing", """node_prefix "" { policy = "read" }""")).GetProperty("ID").GetString()!;
        var token = await AclApiServer.CreateTokenAsync(server, management, """{"Policies":[{"Name":"existing"}]}""");
        var accessor = token.GetProperty("AccessorID").GetString()!;
        var usedSecret = token.GetProperty("SecretID").GetString()!;
        var huge = "service \"web\" { policy = \"read\" }\n" + new string('#', AclNames.MaxRulesLength);
        var tooBig = new string(' ', 600 * 1024);

        (string Name, HttpMethod Method, string Path, string? Body, HttpStatusCode Status, string Message)[] cases =
        [
            ("malformed rules", HttpMethod.Put, "/v1/acl/policy", Policy("bad", "service \"web\" {\n  policy = \"write\"\n  nope = \n}"), HttpStatusCode.BadRequest, "Failed to parse ACL rules: line 4"),
            ("unknown policy level", HttpMethod.Put, "/v1/acl/policy", Policy("bad", "operator = \"admin\""), HttpStatusCode.BadRequest, "line 1"),
            ("unknown resource", HttpMethod.Put, "/v1/acl/policy", Policy("bad", "\n\nwidget \"x\" { policy = \"read\" }"), HttpStatusCode.BadRequest, "line 3"),
            ("rules over the limit", HttpMethod.Put, "/v1/acl/policy", Policy("big", huge), HttpStatusCode.BadRequest, "more than the limit"),
            ("body over the limit", HttpMethod.Put, "/v1/acl/policy", Policy("bigger", tooBig), HttpStatusCode.RequestEntityTooLarge, "too large"),
            ("policy without a name", HttpMethod.Put, "/v1/acl/policy", """{"Rules":""}""", HttpStatusCode.BadRequest, "Invalid Policy: no Name is set"),
            ("policy name with a slash", HttpMethod.Put, "/v1/acl/policy", Policy("a/b", ""), HttpStatusCode.BadRequest, "Invalid Policy: invalid Name"),
            ("duplicate policy name", HttpMethod.Put, "/v1/acl/policy", Policy("EXISTING", ""), HttpStatusCode.BadRequest, "already exists"),
            ("policy ID on create", HttpMethod.Put, "/v1/acl/policy", $$"""{"ID":"{{Guid.NewGuid()}}","Name":"x"}""", HttpStatusCode.BadRequest, "Policy ID in URL and payload do not match"),
            ("policy ID not a UUID", HttpMethod.Get, "/v1/acl/policy/not-a-uuid", null, HttpStatusCode.BadRequest, "Policy ID is missing or an invalid UUID"),
            ("update of an unknown policy", HttpMethod.Put, $"/v1/acl/policy/{Guid.NewGuid()}", Policy("x", ""), HttpStatusCode.NotFound, "Cannot find policy"),
            ("builtin rules changed", HttpMethod.Put, $"/v1/acl/policy/{AclBuiltins.ManagementPolicyId}", Policy("global-management", "acl = \"read\""), HttpStatusCode.BadRequest, "not permitted"),
            ("builtin read-only deleted", HttpMethod.Delete, $"/v1/acl/policy/{AclBuiltins.ReadOnlyPolicyId}", null, HttpStatusCode.BadRequest, "Delete operation not permitted"),
            ("unknown policy name on a token", HttpMethod.Put, "/v1/acl/token", """{"Policies":[{"Name":"nope"}]}""", HttpStatusCode.BadRequest, "No such ACL policy with name \"nope\""),
            ("unknown policy ID on a token", HttpMethod.Put, "/v1/acl/token", $$"""{"Policies":[{"ID":"{{Guid.NewGuid()}}"}]}""", HttpStatusCode.BadRequest, "No such ACL policy with ID"),
            ("unknown role name on a token", HttpMethod.Put, "/v1/acl/token", """{"Roles":[{"Name":"nope"}]}""", HttpStatusCode.BadRequest, "No such ACL role with name \"nope\""),
            ("empty link", HttpMethod.Put, "/v1/acl/token", """{"Policies":[{}]}""", HttpStatusCode.BadRequest, "needs an ID or a Name"),
            ("secret not a UUID", HttpMethod.Put, "/v1/acl/token", """{"SecretID":"hunter2"}""", HttpStatusCode.BadRequest, "Invalid Token: SecretID is not a valid UUID"),
            ("accessor not a UUID", HttpMethod.Put, "/v1/acl/token", """{"AccessorID":"abc"}""", HttpStatusCode.BadRequest, "Invalid Token: AccessorID is not a valid UUID"),
            ("reserved accessor", HttpMethod.Put, "/v1/acl/token", """{"AccessorID":"00000000-0000-0000-0000-000000000099"}""", HttpStatusCode.BadRequest, "reserved"),
            ("secret in use", HttpMethod.Put, "/v1/acl/token", $$"""{"SecretID":"{{usedSecret}}"}""", HttpStatusCode.BadRequest, "Invalid Token: SecretID is already in use"),
            ("accessor in use", HttpMethod.Put, "/v1/acl/token", $$"""{"AccessorID":"{{accessor}}"}""", HttpStatusCode.BadRequest, "Invalid Token: AccessorID is already in use"),
            ("bad TTL", HttpMethod.Put, "/v1/acl/token", """{"ExpirationTTL":"soon"}""", HttpStatusCode.BadRequest, "invalid duration"),
            ("negative TTL", HttpMethod.Put, "/v1/acl/token", """{"ExpirationTTL":"-5m"}""", HttpStatusCode.BadRequest, "should be > 0"),
            ("TTL too long", HttpMethod.Put, "/v1/acl/token", """{"ExpirationTTL":"48h"}""", HttpStatusCode.BadRequest, "Token Expiration TTL '48h0m0s' should be between 1s and 24h0m0s"),
            ("TTL and time", HttpMethod.Put, "/v1/acl/token", $$"""{"ExpirationTTL":"5m","ExpirationTime":"{{DateTimeOffset.UtcNow.AddHours(1):yyyy-MM-ddTHH:mm:ssZ}}"}""", HttpStatusCode.BadRequest, "cannot both be set"),
            ("expiry in the past", HttpMethod.Put, "/v1/acl/token", """{"ExpirationTime":"2001-01-01T00:00:00Z"}""", HttpStatusCode.BadRequest, "ExpirationTime cannot be before CreateTime"),
            ("expiry not a time", HttpMethod.Put, "/v1/acl/token", """{"ExpirationTime":"tomorrow"}""", HttpStatusCode.BadRequest, "RFC 3339"),
            ("auth method on create", HttpMethod.Put, "/v1/acl/token", """{"AuthMethod":"k8s"}""", HttpStatusCode.BadRequest, "AuthMethod field is disallowed outside of login"),
            ("bad service identity", HttpMethod.Put, "/v1/acl/token", """{"ServiceIdentities":[{"ServiceName":"Web!"}]}""", HttpStatusCode.BadRequest, "has an invalid name"),
            ("node identity without datacenter", HttpMethod.Put, "/v1/acl/token", """{"NodeIdentities":[{"NodeName":"n1"}]}""", HttpStatusCode.BadRequest, "missing the datacenter"),
            ("unknown template", HttpMethod.Put, "/v1/acl/token", """{"TemplatedPolicies":[{"TemplateName":"builtin/nope"}]}""", HttpStatusCode.BadRequest, "no such ACL templated policy"),
            ("template without its name", HttpMethod.Put, "/v1/acl/token", """{"TemplatedPolicies":[{"TemplateName":"builtin/service"}]}""", HttpStatusCode.BadRequest, "name is required"),
            ("malformed JSON", HttpMethod.Put, "/v1/acl/token", """{"Description":""", HttpStatusCode.BadRequest, "Request decode failed"),
            ("wrong JSON type", HttpMethod.Put, "/v1/acl/token", """{"Policies":"existing"}""", HttpStatusCode.BadRequest, "Request decode failed"),
            ("token path not a UUID", HttpMethod.Get, "/v1/acl/token/xyz", null, HttpStatusCode.BadRequest, "Accessor ID is missing or an invalid UUID"),
            ("update of an unknown token", HttpMethod.Put, $"/v1/acl/token/{Guid.NewGuid()}", "{}", HttpStatusCode.NotFound, "Cannot find token"),
            ("clone of an unknown token", HttpMethod.Put, $"/v1/acl/token/{Guid.NewGuid()}/clone", "{}", HttpStatusCode.NotFound, "Cannot find token"),
            ("toggling Local", HttpMethod.Put, $"/v1/acl/token/{accessor}", """{"Local":true}""", HttpStatusCode.BadRequest, "Cannot toggle local mode"),
            ("role without a name", HttpMethod.Put, "/v1/acl/role", "{}", HttpStatusCode.BadRequest, "Invalid Role: no Name is set"),
            ("role with an unknown policy", HttpMethod.Put, "/v1/acl/role", """{"Name":"r","Policies":[{"Name":"nope"}]}""", HttpStatusCode.BadRequest, "No such ACL policy with name"),
            ("role path mismatch", HttpMethod.Put, $"/v1/acl/role/{Guid.NewGuid()}", $$"""{"ID":"{{Guid.NewGuid()}}","Name":"r"}""", HttpStatusCode.BadRequest, "Role ID in URL and payload do not match"),
            ("token list with two filters", HttpMethod.Get, $"/v1/acl/tokens?policy={policyId}&role=x", null, HttpStatusCode.BadRequest, "can only filter by one of"),
        ];

        var failures = new List<string>();
        foreach (var (name, method, path, body, status, message) in cases)
        {
            var before = server.DataDigest();
            var result = await server.AsAsync(management, method, path, body);
            if (result.Status != status || !result.Body.Contains(message, StringComparison.Ordinal) || result.ContentType != "text/plain")
            {
                failures.Add($"{name}: expected {(int)status} containing '{message}', got {(int)result.Status} ({result.ContentType}): {Truncate(result.Body)}");
            }

            if (server.DataDigest() != before)
            {
                failures.Add($"{name}: the store changed");
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    [Fact]
    public async Task WritesNeedAclWrite_ReadsNeedAclRead_WhateverTheBody()
    {
        var (server, management) = await AclApiServer.StartAsync();
        await using var owned = server;
        var reader = (await AclApiServer.CreateTokenAsync(server, management, $$"""{"Policies":[{"ID":"{{AclBuiltins.ReadOnlyPolicyId}}"}]}""")).GetProperty("SecretID").GetString()!;
        var service = (await AclApiServer.CreateTokenAsync(server, management, """{"ServiceIdentities":[{"ServiceName":"web"}]}""")).GetProperty("SecretID").GetString()!;
        var before = server.DataDigest();
        foreach (var (token, method, path, body, permission) in new (string?, HttpMethod, string, string?, string)[]
                 {
                     (null, HttpMethod.Put, "/v1/acl/policy", Policy("x", ""), "acl:write"),
                     (reader, HttpMethod.Put, "/v1/acl/policy", Policy("x", ""), "acl:write"),
                     (reader, HttpMethod.Put, "/v1/acl/token", "{}", "acl:write"),
                     (reader, HttpMethod.Put, "/v1/acl/role", """{"Name":"r"}""", "acl:write"),
                     (reader, HttpMethod.Delete, $"/v1/acl/policy/{AclBuiltins.ReadOnlyPolicyId}", null, "acl:write"),
                     (service, HttpMethod.Get, "/v1/acl/tokens", null, "acl:read"),
                     (service, HttpMethod.Get, "/v1/acl/policies", null, "acl:read"),
                     (null, HttpMethod.Get, "/v1/acl/roles", null, "acl:read"),
                 })
        {
            var result = await server.AsAsync(token, method, path, body);
            Assert.Equal(HttpStatusCode.Forbidden, result.Status);
            Assert.Contains($"lacks permission '{permission}'", result.Body, StringComparison.Ordinal);
        }

        Assert.Equal(before, server.DataDigest());

        // The read-only token reads; an unknown secret is "ACL not found" everywhere.
        (await server.AsAsync(reader, HttpMethod.Get, "/v1/acl/policies")).ExpectOk();
        Assert.Equal("ACL not found", (await server.AsAsync(Guid.NewGuid().ToString(), HttpMethod.Get, "/v1/acl/policies")).Body);
    }

    private static string Policy(string name, string rules) => JsonSerializer.Serialize(new { Name = name, Rules = rules });

    private static string Truncate(string text) => text.Length > 300 ? text[..300] + "..." : text;
}
