using System.Net;
using System.Text.Json;
using Mesh.Api.Tests.Support;
using Mesh.Fsm.Model.Acl;

namespace Mesh.Api.Tests.Acl;

/// <summary>Policy and role CRUD, name lookups, list stubs, deleting a policy still in use, and templated policies.</summary>
public sealed class AclPolicyApiTests
{
    [Fact]
    public async Task PolicyCrud_ConsulShapes_ListStubsHaveNoRules()
    {
        var (server, management) = await AclApiServer.StartAsync();
        await using var owned = server;
        const string rules = "service \"web\" { policy = \"write\" }";
        var created = (await server.AsAsync(management, HttpMethod.Put, "/v1/acl/policy",
            JsonSerializer.Serialize(new { Name = "web", Description = "for web", Rules = rules, Datacenters = new[] { "dc1" } }))).ExpectOk().Json;
        Assert.Equal(["ID", "Name", "Description", "Rules", "Datacenters", "Hash", "CreateIndex", "ModifyIndex"], created.EnumerateObject().Select(p => p.Name));
        var id = created.GetProperty("ID").GetString()!;
        Assert.True(AclNames.IsUuid(id));
        Assert.Equal(rules, created.GetProperty("Rules").GetString());

        var byId = (await server.AsAsync(management, HttpMethod.Get, $"/v1/acl/policy/{id}")).ExpectOk().Json;
        var byName = (await server.AsAsync(management, HttpMethod.Get, "/v1/acl/policy/name/web")).ExpectOk().Json;
        Assert.Equal(created.GetRawText(), byId.GetRawText());
        Assert.Equal(created.GetRawText(), byName.GetRawText());

        var updated = (await server.AsAsync(management, HttpMethod.Put, $"/v1/acl/policy/{id}",
            JsonSerializer.Serialize(new { Name = "web-renamed", Rules = rules }))).ExpectOk().Json;
        Assert.Equal("web-renamed", updated.GetProperty("Name").GetString());
        Assert.Equal(JsonValueKind.Null, updated.GetProperty("Datacenters").ValueKind);
        Assert.Equal(created.GetProperty("CreateIndex").GetInt64(), updated.GetProperty("CreateIndex").GetInt64());

        var list = (await server.AsAsync(management, HttpMethod.Get, "/v1/acl/policies")).ExpectOk().Json.EnumerateArray().ToList();
        Assert.All(list, stub => Assert.False(stub.TryGetProperty("Rules", out _)));
        Assert.Contains(list, stub => stub.GetProperty("Name").GetString() == "web-renamed");
        Assert.Contains(list, stub => stub.GetProperty("ID").GetString() == AclBuiltins.ManagementPolicyId);
        Assert.Contains(list, stub => stub.GetProperty("Name").GetString() == AclBuiltins.ReadOnlyPolicyName);

        Assert.True((await server.AsAsync(management, HttpMethod.Delete, $"/v1/acl/policy/{id}")).ExpectOk().Json.GetBoolean());
        var missing = await server.AsAsync(management, HttpMethod.Get, $"/v1/acl/policy/{id}");
        Assert.Equal(HttpStatusCode.NotFound, missing.Status);
        Assert.Equal("ACL policy not found", missing.Body);
        Assert.Equal(HttpStatusCode.NotFound, (await server.AsAsync(management, HttpMethod.Get, "/v1/acl/policy/name/web-renamed")).Status);
        var builtin = await server.AsAsync(management, HttpMethod.Delete, $"/v1/acl/policy/{AclBuiltins.ManagementPolicyId}");
        Assert.Equal(HttpStatusCode.BadRequest, builtin.Status);
        Assert.Equal("Delete operation not permitted on the builtin global-management policy", builtin.Body);
    }

    [Fact]
    public async Task DeletingAPolicyStillInUse_DeletesItAsConsulDoes_AndTheTokenLosesWhatItGranted()
    {
        var (server, management) = await AclApiServer.StartAsync();
        await using var owned = server;
        var policyId = (await AclApiServer.CreatePolicyAsync(server, management, "ops", """operator = "read" """)).GetProperty("ID").GetString()!;
        var token = await AclApiServer.CreateTokenAsync(server, management, """{"Policies":[{"Name":"ops"}]}""");
        var secret = token.GetProperty("SecretID").GetString()!;
        (await server.AsAsync(secret, HttpMethod.Get, "/v1/operator/raft/configuration")).ExpectOk();
        (await server.AsAsync(management, HttpMethod.Put, "/v1/acl/role", """{"Name":"ops-role","Policies":[{"Name":"ops"}]}""")).ExpectOk();

        Assert.True((await server.AsAsync(management, HttpMethod.Delete, $"/v1/acl/policy/{policyId}")).ExpectOk().Json.GetBoolean());

        var read = (await server.AsAsync(management, HttpMethod.Get, $"/v1/acl/token/{token.GetProperty("AccessorID").GetString()}")).ExpectOk().Json;
        Assert.False(read.TryGetProperty("Policies", out _));
        var role = (await server.AsAsync(management, HttpMethod.Get, "/v1/acl/role/name/ops-role")).ExpectOk().Json;
        Assert.False(role.TryGetProperty("Policies", out _));
        Assert.Equal(HttpStatusCode.Forbidden, (await server.AsAsync(secret, HttpMethod.Get, "/v1/operator/raft/configuration")).Status);
    }

    [Fact]
    public async Task RoleCrud_ByNameAndPolicyFilter_TokensLinkRolesByName()
    {
        var (server, management) = await AclApiServer.StartAsync();
        await using var owned = server;
        var policyId = (await AclApiServer.CreatePolicyAsync(server, management, "reader", """node_prefix "" { policy = "read" }""")).GetProperty("ID").GetString()!;
        var role = (await server.AsAsync(management, HttpMethod.Put, "/v1/acl/role",
            """{"Name":"web-role","Description":"d","Policies":[{"Name":"reader"}],"ServiceIdentities":[{"ServiceName":"web"}],"NodeIdentities":[{"NodeName":"n1","Datacenter":"dc1"}],"TemplatedPolicies":[{"TemplateName":"builtin/dns"}]}""")).ExpectOk().Json;
        Assert.Equal(["ID", "Name", "Description", "Policies", "ServiceIdentities", "NodeIdentities", "TemplatedPolicies", "Hash", "CreateIndex", "ModifyIndex"], role.EnumerateObject().Select(p => p.Name));
        var roleId = role.GetProperty("ID").GetString()!;
        Assert.Equal("reader", Assert.Single(role.GetProperty("Policies").EnumerateArray()).GetProperty("Name").GetString());
        Assert.Equal("dc1", Assert.Single(role.GetProperty("NodeIdentities").EnumerateArray()).GetProperty("Datacenter").GetString());

        Assert.Equal(role.GetRawText(), (await server.AsAsync(management, HttpMethod.Get, $"/v1/acl/role/{roleId}")).ExpectOk().Json.GetRawText());
        Assert.Equal(role.GetRawText(), (await server.AsAsync(management, HttpMethod.Get, "/v1/acl/role/name/web-role")).ExpectOk().Json.GetRawText());
        Assert.Single((await server.AsAsync(management, HttpMethod.Get, $"/v1/acl/roles?policy={policyId}")).ExpectOk().Json.EnumerateArray());
        Assert.Empty((await server.AsAsync(management, HttpMethod.Get, $"/v1/acl/roles?policy={AclBuiltins.ManagementPolicyId}")).ExpectOk().Json.EnumerateArray());

        var token = await AclApiServer.CreateTokenAsync(server, management, """{"Roles":[{"Name":"web-role"}]}""");
        Assert.Equal(roleId, Assert.Single(token.GetProperty("Roles").EnumerateArray()).GetProperty("ID").GetString());
        (await server.AsAsync(token.GetProperty("SecretID").GetString(), HttpMethod.Get, "/v1/catalog/nodes")).ExpectOk();

        var updated = (await server.AsAsync(management, HttpMethod.Put, $"/v1/acl/role/{roleId}", """{"Name":"web-role-2"}""")).ExpectOk().Json;
        Assert.False(updated.TryGetProperty("Policies", out _));
        Assert.True((await server.AsAsync(management, HttpMethod.Delete, $"/v1/acl/role/{roleId}")).ExpectOk().Json.GetBoolean());
        var missing = await server.AsAsync(management, HttpMethod.Get, $"/v1/acl/role/{roleId}");
        Assert.Equal(HttpStatusCode.NotFound, missing.Status);
        Assert.Equal("ACL role not found", missing.Body);
    }

    [Fact]
    public async Task TemplatedPolicies_ListReadPreview()
    {
        var (server, management) = await AclApiServer.StartAsync();
        await using var owned = server;
        var all = (await server.AsAsync(management, HttpMethod.Get, "/v1/acl/templated-policies")).ExpectOk().Json;
        Assert.Equal(["builtin/dns", "builtin/node", "builtin/service"], all.EnumerateObject().Select(p => p.Name));
        var service = (await server.AsAsync(management, HttpMethod.Get, "/v1/acl/templated-policy/name/builtin/service")).ExpectOk().Json;
        Assert.Equal("builtin/service", service.GetProperty("TemplateName").GetString());
        Assert.Contains("\"required\": [\"name\"]", service.GetProperty("Schema").GetString(), StringComparison.Ordinal);
        Assert.Contains("{{.Name}}-sidecar-proxy", service.GetProperty("Template").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await server.AsAsync(management, HttpMethod.Get, "/v1/acl/templated-policy/name/builtin/nope")).Status);

        var preview = (await server.AsAsync(management, HttpMethod.Post, "/v1/acl/templated-policy/preview/builtin/service", """{"Name":"api"}""")).ExpectOk().Json;
        Assert.StartsWith("synthetic-policy-", preview.GetProperty("Name").GetString(), StringComparison.Ordinal);
        Assert.Contains("service \"api-sidecar-proxy\"", preview.GetProperty("Rules").GetString(), StringComparison.Ordinal);
        var noName = await server.AsAsync(management, HttpMethod.Post, "/v1/acl/templated-policy/preview/builtin/service", "{}");
        Assert.Equal(HttpStatusCode.BadRequest, noName.Status);

        // A token with the template works like the service identity.
        var token = await AclApiServer.CreateTokenAsync(server, management, """{"TemplatedPolicies":[{"TemplateName":"builtin/service","TemplateVariables":{"Name":"api"}}]}""");
        var template = Assert.Single(token.GetProperty("TemplatedPolicies").EnumerateArray());
        Assert.Equal("api", template.GetProperty("TemplateVariables").GetProperty("Name").GetString());
        (await server.AsAsync(management, HttpMethod.Put, "/v1/catalog/register", """{"Node":"n1","Address":"10.0.0.1"}""")).ExpectOk();
        (await server.AsAsync(token.GetProperty("SecretID").GetString(), HttpMethod.Put, "/v1/catalog/register",
            """{"Node":"n1","Address":"10.0.0.1","SkipNodeUpdate":true,"Service":{"Service":"api","Port":80}}""")).ExpectOk();
    }

    [Fact]
    public async Task ExpandedTokenReadListsDirectRoleAndSyntheticPolicies()
    {
        var (server, management) = await AclApiServer.StartAsync();
        await using var owned = server;
        await AclApiServer.CreatePolicyAsync(server, management, "direct", """node_prefix "" { policy = "read" }""");
        await AclApiServer.CreatePolicyAsync(server, management, "via-role", """service_prefix "" { policy = "read" }""");
        (await server.AsAsync(management, HttpMethod.Put, "/v1/acl/role", """{"Name":"r","Policies":[{"Name":"via-role"}]}""")).ExpectOk();
        var token = await AclApiServer.CreateTokenAsync(server, management, """{"Policies":[{"Name":"direct"}],"Roles":[{"Name":"r"}],"ServiceIdentities":[{"ServiceName":"web"}]}""");

        var expanded = (await server.AsAsync(management, HttpMethod.Get, $"/v1/acl/token/{token.GetProperty("AccessorID").GetString()}?expanded")).ExpectOk().Json;

        var names = expanded.GetProperty("ExpandedPolicies").EnumerateArray().Select(p => p.GetProperty("Name").GetString()!).ToList();
        Assert.Equal("direct", names[0]);
        Assert.Equal("via-role", names[1]);
        Assert.StartsWith("synthetic-policy-", names[2], StringComparison.Ordinal);
        Assert.Equal("r", Assert.Single(expanded.GetProperty("ExpandedRoles").EnumerateArray()).GetProperty("Name").GetString());
        Assert.Equal("deny", expanded.GetProperty("AgentACLDefaultPolicy").GetString());
        Assert.Equal(server.NodeName, expanded.GetProperty("ResolvedByAgent").GetString());
        Assert.Equal(token.GetProperty("SecretID").GetString(), expanded.GetProperty("SecretID").GetString());
    }
}
