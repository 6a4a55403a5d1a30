using System.Security.Cryptography;
using System.Text;
using Mesh.Api.Http;
using Mesh.Fsm.Model.Acl;

namespace Mesh.Api.Acl;

/// <summary>
/// Consul's built-in templated policies (<c>agent/structs/acltemplatedpolicy</c>): name, JSON schema of the
/// variables and the HCL template, rendered for a preview or checked when a token or role names one.
/// </summary>
public static class TemplatedPolicyCatalog
{
    private const string NameSchema = """
        {
            "type": "object",
            "properties": {
                "name": { "type": "string", "$ref": "#/definitions/min-length-one" }
            },
            "required": ["name"],
            "definitions": {
                "min-length-one": {
                        "type": "string",
                        "minLength": 1
                }
            }
        }
        """;

    private const string ServiceTemplate = """
        service "{{.Name}}" {
        	policy = "write"
        }
        service "{{.Name}}-sidecar-proxy" {
        	policy = "write"
        }
        service_prefix "" {
        	policy = "read"
        }
        node_prefix "" {
        	policy = "read"
        }
        """;

    private const string NodeTemplate = """
        node "{{.Name}}" {
        	policy = "write"
        }
        service_prefix "" {
        	policy = "read"
        }
        """;

    private const string DnsTemplate = """
        node_prefix "" {
        	policy = "read"
        }
        service_prefix "" {
        	policy = "read"
        }
        query_prefix "" {
        	policy = "read"
        }
        """;

    public static IReadOnlyDictionary<string, AclTemplatedPolicyInfoView> All { get; } = new SortedDictionary<string, AclTemplatedPolicyInfoView>(StringComparer.Ordinal)
    {
        [AclTemplatedPolicy.Dns] = new() { TemplateName = AclTemplatedPolicy.Dns, Schema = string.Empty, Template = DnsTemplate },
        [AclTemplatedPolicy.Node] = new() { TemplateName = AclTemplatedPolicy.Node, Schema = NameSchema, Template = NodeTemplate },
        [AclTemplatedPolicy.Service] = new() { TemplateName = AclTemplatedPolicy.Service, Schema = NameSchema, Template = ServiceTemplate },
    };

    /// <summary>A template reference checked against its schema; 400 for an unknown template or a bad name.</summary>
    public static AclTemplatedPolicy Instantiate(string templateName, string? name)
    {
        if (!AclTemplatedPolicy.IsKnown(templateName))
        {
            throw ApiException.BadRequest($"no such ACL templated policy with name \"{templateName}\"");
        }

        if (!AclTemplatedPolicy.NeedsName(templateName))
        {
            return new AclTemplatedPolicy { TemplateName = templateName };
        }

        if (string.IsNullOrEmpty(name))
        {
            throw ApiException.BadRequest($"validation error for templated policy \"{templateName}\": name is required");
        }

        if (!AclNames.IsIdentityName(name))
        {
            throw ApiException.BadRequest($"validation error for templated policy \"{templateName}\": name \"{name}\" is invalid. Only lowercase alphanumeric characters, '-' and '_' are allowed");
        }

        return new AclTemplatedPolicy { TemplateName = templateName, Name = name };
    }

    /// <summary>The synthetic policy a template expands to, as Consul's preview returns it.</summary>
    public static AclPolicyView Preview(AclTemplatedPolicy template)
    {
        var rules = All[template.TemplateName].Template.Replace("{{.Name}}", template.Name, StringComparison.Ordinal);
        var id = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(rules)).AsSpan(0, 16));
        var policy = new AclPolicy
        {
            Id = id,
            Name = "synthetic-policy-" + id,
            Description = "synthetic policy generated from templated policy: " + template.TemplateName,
            Rules = rules,
        };
        return AclViews.Policy(policy with { Hash = AclHash.Of(policy) });
    }
}
