using Mesh.Config.Access;
using Mesh.Config.Intentions;

namespace Mesh.Config.ConfigEntries;

/// <summary>
/// <c>service-intentions</c>: the sources allowed or denied to reach <c>Name</c> (a service or <c>*</c>). Precedence is
/// computed and sources ordered by it; legacy fields from a <c>config read</c> are dropped, as on Consul's
/// non-legacy write path.
/// </summary>
public sealed class ServiceIntentionsKind : ConfigEntryKind<ServiceIntentionsEntry>
{
    public const string KindName = "service-intentions";

    private static readonly string[] HttpMethods = ["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"];

    public override string Kind => KindName;

    public override AclResource Resource => AclResource.Intention;

    protected override ServiceIntentionsEntry Normalize(ServiceIntentionsEntry entry) => Normalize(entry, legacyWrite: false);

    /// <summary>A regular write drops the legacy fields; a legacy write (the intention endpoints) keeps them.</summary>
    protected override ServiceIntentionsEntry Normalize(ServiceIntentionsEntry entry, bool legacyWrite) => entry with
    {
        Sources = entry.Sources?.Select(source => source with
        {
            Type = string.IsNullOrEmpty(source.Type) ? "consul" : source.Type,
            LegacyId = legacyWrite ? source.LegacyId : null,
            LegacyCreateTime = legacyWrite ? source.LegacyCreateTime : null,
            LegacyUpdateTime = legacyWrite ? source.LegacyUpdateTime : null,
            Precedence = IntentionPrecedence.Compute(entry.Name ?? string.Empty, source.Name ?? string.Empty),
            Permissions = source.Permissions?.Select(permission => permission.Http is { Methods: { } methods }
                ? permission with { Http = permission.Http with { Methods = [.. methods.Select(m => m.ToUpperInvariant())] } }
                : permission).ToList(),
        }).ToList(),
    };

    protected override void Validate(ServiceIntentionsEntry entry) => Validate(entry, legacyWrite: false);

    protected override void Validate(ServiceIntentionsEntry entry, bool legacyWrite)
    {
        if (string.IsNullOrEmpty(entry.Name))
        {
            throw Fail("Name is required");
        }

        ValidateWildcard(entry.Name, "Name");
        ConfigMeta.Validate(entry.Meta);
        if (entry.Sources is not { Count: > 0 } sources)
        {
            throw Fail("At least one source is required");
        }

        var wildcardDestination = entry.Name == IntentionPrecedence.Wildcard;
        var seen = new HashSet<(string Name, string Peer)>();
        for (var i = 0; i < sources.Count; i++)
        {
            var source = sources[i];
            ValidateSource(source, i, wildcardDestination, legacyWrite);
            if (!seen.Add((source.Name!, source.Peer ?? string.Empty)))
            {
                throw Fail(string.IsNullOrEmpty(source.Peer)
                    ? $"Sources[{i}] defines \"{source.Name}\" more than once"
                    : $"Sources[{i}] defines peer(\"{source.Peer}\") \"{source.Name}\" more than once");
            }
        }
    }

    /// <summary>Highest precedence first; equal precedence keeps the written order.</summary>
    protected override ServiceIntentionsEntry Finish(ServiceIntentionsEntry entry)
        => entry with { Sources = [.. entry.Sources!.OrderByDescending(source => source.Precedence)] };

    protected override ServiceIntentionsEntry WithoutEnvelope(ServiceIntentionsEntry entry)
        => entry with { Kind = null, Name = null, Hash = null, CreateIndex = null, ModifyIndex = null };

    private static void ValidateSource(SourceIntention source, int i, bool wildcardDestination, bool legacyWrite)
    {
        if (string.IsNullOrEmpty(source.Name))
        {
            throw Fail($"Sources[{i}].Name is required");
        }

        ValidateWildcard(source.Name, $"Sources[{i}].Name");
        if (source.Peer?.Contains('*', StringComparison.Ordinal) == true)
        {
            throw Fail($"Sources[{i}].Peer: cannot use wildcard '*' in peer");
        }

        if ((source.Description?.Length ?? 0) > ConfigMeta.MaxValueLength)
        {
            throw Fail($"Sources[{i}].Description exceeds maximum length {ConfigMeta.MaxValueLength}");
        }

        if (!legacyWrite && source.LegacyMeta is { Count: > 0 })
        {
            throw Fail($"Sources[{i}].LegacyMeta must be omitted");
        }

        var permissions = source.Permissions ?? [];
        if (permissions.Count == 0 && source.Action is not ("allow" or "deny"))
        {
            throw Fail($"Sources[{i}].Action must be set to 'allow' or 'deny'");
        }

        if (permissions.Count > 0 && !string.IsNullOrEmpty(source.Action))
        {
            throw Fail($"Sources[{i}].Action must be omitted if Permissions are specified");
        }

        if (wildcardDestination && permissions.Count > 0)
        {
            throw Fail($"Sources[{i}].Permissions cannot be specified on intentions with wildcarded destinations");
        }

        if (source.Type != "consul")
        {
            throw Fail($"Sources[{i}].Type must be set to 'consul'");
        }

        for (var j = 0; j < permissions.Count; j++)
        {
            ValidatePermission(permissions[j], $"Sources[{i}].Permissions[{j}]");
        }
    }

    private static void ValidatePermission(IntentionPermissionRule permission, string field)
    {
        if (permission.Action is not ("allow" or "deny"))
        {
            throw Fail($"{field}.Action must be set to 'allow' or 'deny'");
        }

        if (permission.Http is not { } http)
        {
            throw Fail($"{field}.HTTP is required");
        }

        var pathParts = 0;
        if (!string.IsNullOrEmpty(http.PathExact))
        {
            pathParts++;
            StartsWithSlash(http.PathExact, $"{field}.HTTP.PathExact");
        }

        if (!string.IsNullOrEmpty(http.PathPrefix))
        {
            pathParts++;
            StartsWithSlash(http.PathPrefix, $"{field}.HTTP.PathPrefix");
        }

        if (!string.IsNullOrEmpty(http.PathRegex))
        {
            pathParts++;
        }

        if (pathParts > 1)
        {
            throw Fail($"{field}.HTTP should only contain at most one of PathExact, PathPrefix, or PathRegex");
        }

        var headers = http.Header ?? [];
        for (var k = 0; k < headers.Count; k++)
        {
            var header = headers[k];
            if (string.IsNullOrEmpty(header.Name))
            {
                throw Fail($"{field}.HTTP.Header[{k}] missing required Name field");
            }

            var matchers = (header.Present ? 1 : 0) + new[] { header.Exact, header.Prefix, header.Suffix, header.Regex }.Count(v => !string.IsNullOrEmpty(v));
            if (matchers != 1)
            {
                throw Fail($"{field}.HTTP.Header[{k}] should only contain one of Present, Exact, Prefix, Suffix, or Regex");
            }
        }

        var methods = http.Methods ?? [];
        var found = new HashSet<string>(StringComparer.Ordinal);
        foreach (var method in methods)
        {
            if (!HttpMethods.Contains(method))
            {
                throw Fail($"{field}.HTTP.Methods contains an invalid method \"{method}\"");
            }

            if (!found.Add(method))
            {
                throw Fail($"{field}.HTTP.Methods contains \"{method}\" more than once");
            }
        }

        if (pathParts + headers.Count + (methods.Count > 0 ? 1 : 0) == 0)
        {
            throw Fail($"{field}.HTTP should not be empty");
        }
    }

    private static void StartsWithSlash(string path, string field)
    {
        if (!path.StartsWith('/'))
        {
            throw Fail($"{field} doesn't start with '/': \"{path}\"");
        }
    }

    private static void ValidateWildcard(string name, string field)
    {
        if (name != IntentionPrecedence.Wildcard && name.Contains('*', StringComparison.Ordinal))
        {
            throw Fail($"{field}: wildcard character '*' cannot be used with partial values");
        }
    }
}
