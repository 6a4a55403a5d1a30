using System.Text.RegularExpressions;
using Mesh.Config.Filtering;

namespace Mesh.Config.ConfigEntries;

/// <summary>Consul's <c>ServiceResolverConfigEntry.Validate</c> (community edition), with its messages.</summary>
internal static partial class ServiceResolverValidation
{
    private static readonly string[] Policies = ["", "random", "round_robin", "least_request", "ring_hash", "maglev"];

    private static readonly string[] HashFields = ["header", "cookie", "query_parameter"];

    public static void Validate(ServiceResolverEntry entry)
    {
        if (string.IsNullOrEmpty(entry.Name))
        {
            throw Fail("Name is required");
        }

        ConfigMeta.Validate(entry.Meta);
        foreach (var (name, subset) in entry.Subsets ?? [])
        {
            ValidateSubset(name, subset);
        }

        if (!string.IsNullOrEmpty(entry.DefaultSubset) && !IsSubset(entry, entry.DefaultSubset))
        {
            throw Fail($"DefaultSubset \"{entry.DefaultSubset}\" is not a valid subset");
        }

        if (entry.Redirect is { } redirect)
        {
            ValidateRedirect(entry, redirect);
        }

        foreach (var (subset, failover) in entry.Failover ?? [])
        {
            ValidateFailover(entry, subset, failover);
        }

        ServiceRouterValidation.Duration(entry.ConnectTimeout, "ConnectTimeout");
        ServiceRouterValidation.Duration(entry.RequestTimeout, "RequestTimeout");
        if (entry.LoadBalancer is { } balancer)
        {
            ValidateLoadBalancer(balancer);
        }
    }

    private static bool IsSubset(ServiceResolverEntry entry, string name) => entry.Subsets?.ContainsKey(name) == true;

    private static void ValidateSubset(string name, ServiceResolverSubset subset)
    {
        if (name.Length == 0)
        {
            throw Fail("Subset defined with empty name");
        }

        if (name.Length > 63)
        {
            throw Fail($"Subset \"{name}\" is invalid: must be non-empty and 63 characters or fewer");
        }

        if (!DnsLabel().IsMatch(name))
        {
            throw Fail($"Subset \"{name}\" is invalid: must be 63 characters or fewer, begin or end with lower case alphanumeric characters, and contain lower case alphanumeric characters or '-' in between");
        }

        if (!string.IsNullOrEmpty(subset.Filter))
        {
            try
            {
                FilterExpression.Parse(subset.Filter);
            }
            catch (FilterSyntaxException error)
            {
                throw Fail($"Filter for subset \"{name}\" is not a valid expression: {error.Message}");
            }
        }
    }

    private static void ValidateRedirect(ServiceResolverEntry entry, ServiceResolverRedirect redirect)
    {
        if (entry.Failover is { Count: > 0 })
        {
            throw Fail("Redirect and Failover cannot both be set");
        }

        if (!string.IsNullOrEmpty(entry.DefaultSubset) || entry.Subsets is { Count: > 0 })
        {
            throw Fail("Redirect cannot be set with Subsets or DefaultSubset");
        }

        if (Empty(redirect.Service) && Empty(redirect.ServiceSubset) && Empty(redirect.Namespace) && Empty(redirect.Partition)
            && Empty(redirect.Datacenter) && Empty(redirect.Peer))
        {
            throw Fail("Redirect is empty");
        }

        Community(redirect.Namespace, redirect.Partition, "Redirect: ");
        if (!Empty(redirect.Peer) && !Empty(redirect.ServiceSubset))
        {
            throw Fail("Redirect.Peer cannot be set with Redirect.ServiceSubset");
        }

        if (!Empty(redirect.Peer) && !Empty(redirect.Partition))
        {
            throw Fail("Redirect.Partition cannot be set with Redirect.Peer");
        }

        if (!Empty(redirect.Peer) && !Empty(redirect.Datacenter))
        {
            throw Fail("Redirect.Peer cannot be set with Redirect.Datacenter");
        }

        if (Empty(redirect.Service))
        {
            if (!Empty(redirect.ServiceSubset))
            {
                throw Fail("Redirect.ServiceSubset defined without Redirect.Service");
            }

            if (!Empty(redirect.Namespace))
            {
                throw Fail("Redirect.Namespace defined without Redirect.Service");
            }

            if (!Empty(redirect.Partition))
            {
                throw Fail("Redirect.Partition defined without Redirect.Service");
            }

            if (!Empty(redirect.Peer))
            {
                throw Fail("Redirect.Peer defined without Redirect.Service");
            }
        }

        var self = Empty(redirect.Service) || redirect.Service == entry.Name;
        if (self && !Empty(redirect.ServiceSubset))
        {
            throw Fail($"Redirect.ServiceSubset \"{redirect.ServiceSubset}\" is not a valid subset of \"{entry.Name}\"");
        }

        if (self && Empty(redirect.Datacenter) && Empty(redirect.Peer))
        {
            throw Fail($"Redirect cannot point at the resolver's own service \"{entry.Name}\"");
        }
    }

    private static void ValidateFailover(ServiceResolverEntry entry, string subset, ServiceResolverFailover failover)
    {
        var prefix = $"Bad Failover[\"{subset}\"]: ";
        Community(failover.Namespace, null, prefix);
        if (subset != "*" && !IsSubset(entry, subset))
        {
            throw Fail(prefix + "not a valid subset subset");
        }

        if (Empty(failover.Service) && Empty(failover.ServiceSubset) && Empty(failover.Namespace)
            && failover.Datacenters is not { Count: > 0 } && failover.Targets is not { Count: > 0 })
        {
            throw Fail(prefix + "one of Service, ServiceSubset, Namespace, Targets, or Datacenters is required");
        }

        if (failover.Policy?.Mode is not (null or "" or "default" or "order-by-locality"))
        {
            throw Fail(prefix + "Policy must be one of '', 'default', or 'order-by-locality'");
        }

        if (!Empty(failover.ServiceSubset) && (Empty(failover.Service) || failover.Service == entry.Name) && !IsSubset(entry, failover.ServiceSubset!))
        {
            throw Fail($"{prefix}ServiceSubset \"{failover.ServiceSubset}\" is not a valid subset of \"{failover.Service}\"");
        }

        var targets = failover.Targets ?? [];
        if (failover.Datacenters is { Count: > 0 } && targets.Count > 0)
        {
            throw Fail(prefix + "Targets cannot be set with Datacenters");
        }

        if (!Empty(failover.ServiceSubset) && targets.Count > 0)
        {
            throw Fail(prefix + "Targets cannot be set with ServiceSubset");
        }

        if (!Empty(failover.Service) && targets.Count > 0)
        {
            throw Fail(prefix + "Targets cannot be set with Service");
        }

        for (var i = 0; i < targets.Count; i++)
        {
            var target = targets[i];
            var targetPrefix = $"Bad Failover[\"{subset}\"].Targets[{i}]: ";
            Community(target.Namespace, target.Partition, targetPrefix);
            var message = (target.Peer, target.ServiceSubset, target.Partition, target.Datacenter) switch
            {
                ({ Length: > 0 }, { Length: > 0 }, _, _) => "Peer cannot be set with ServiceSubset",
                ({ Length: > 0 }, _, { Length: > 0 }, _) => "Partition cannot be set with Peer",
                ({ Length: > 0 }, _, _, { Length: > 0 }) => "Peer cannot be set with Datacenter",
                (_, _, { Length: > 0 }, { Length: > 0 }) => "Partition cannot be set with Datacenter",
                _ => null,
            };
            if (message is not null)
            {
                throw Fail(targetPrefix + message);
            }

            if (!Empty(target.ServiceSubset) && (Empty(target.Service) || target.Service == entry.Name) && !IsSubset(entry, target.ServiceSubset!))
            {
                throw Fail($"{targetPrefix}ServiceSubset \"{target.ServiceSubset}\" is not a valid subset of \"{entry.Name}\"");
            }
        }

        if (failover.Datacenters?.Any(Empty) == true)
        {
            throw Fail($"Bad Failover[\"{subset}\"].Datacenters: found empty datacenter");
        }
    }

    private static void ValidateLoadBalancer(LoadBalancer balancer)
    {
        var policy = balancer.Policy ?? string.Empty;
        if (!Policies.Contains(policy, StringComparer.Ordinal))
        {
            throw Fail($"Bad LoadBalancer policy: \"{policy}\" is not supported");
        }

        if (policy != "ring_hash" && balancer.RingHashConfig is not null)
        {
            throw Fail($"Bad LoadBalancer configuration. RingHashConfig specified for incompatible load balancing policy \"{policy}\"");
        }

        if (policy != "least_request" && balancer.LeastRequestConfig is not null)
        {
            throw Fail($"Bad LoadBalancer configuration. LeastRequestConfig specified for incompatible load balancing policy \"{policy}\"");
        }

        var hashPolicies = balancer.HashPolicies ?? [];
        if (policy is not ("ring_hash" or "maglev") && hashPolicies.Count > 0)
        {
            throw Fail($"Bad LoadBalancer configuration: HashPolicies specified for non-hash-based Policy: \"{policy}\"");
        }

        for (var i = 0; i < hashPolicies.Count; i++)
        {
            ValidateHashPolicy(hashPolicies[i], i);
        }
    }

    private static void ValidateHashPolicy(HashPolicy hash, int i)
    {
        var prefix = $"Bad LoadBalancer HashPolicy[{i}]: ";
        var field = hash.Field ?? string.Empty;
        if (field.Length > 0 && !HashFields.Contains(field, StringComparer.Ordinal))
        {
            throw Fail($"{prefix}\"{field}\" is not a supported field");
        }

        if (hash.SourceIp && field.Length > 0)
        {
            throw Fail($"{prefix}A single hash policy cannot hash both a source address and a \"{field}\"");
        }

        if (hash.SourceIp && !Empty(hash.FieldValue))
        {
            throw Fail(prefix + "A FieldValue cannot be specified when hashing SourceIP");
        }

        if (field.Length > 0 && Empty(hash.FieldValue))
        {
            throw Fail($"{prefix}Field \"{field}\" was specified without a FieldValue");
        }

        if (!Empty(hash.FieldValue) && field.Length == 0)
        {
            throw Fail(prefix + "FieldValue requires a Field to apply to");
        }

        if (hash.CookieConfig is { } cookie)
        {
            if (field != "cookie")
            {
                throw Fail($"{prefix}cookie_config provided for \"{field}\"");
            }

            if (cookie.Session && ServiceRouterValidation.Duration(cookie.Ttl, $"LoadBalancer HashPolicy[{i}] CookieConfig.TTL") != TimeSpan.Zero)
            {
                throw Fail(prefix + "a session cookie cannot have an associated TTL");
            }

            ServiceRouterValidation.Duration(cookie.Ttl, $"LoadBalancer HashPolicy[{i}] CookieConfig.TTL");
        }
    }

    /// <summary>Namespaces and partitions other than <c>default</c> are a Consul Enterprise feature.</summary>
    private static void Community(string? ns, string? partition, string prefix)
    {
        if (!Empty(partition) && partition != "default")
        {
            throw Fail(prefix + "Setting Partition requires Consul Enterprise");
        }

        if (!Empty(ns) && ns != "default")
        {
            throw Fail(prefix + "Setting Namespace requires Consul Enterprise");
        }
    }

    private static bool Empty(string? value) => string.IsNullOrEmpty(value);

    private static InvalidConfigEntryException Fail(string message) => new(message);

    [GeneratedRegex("^[a-z0-9]([a-z0-9-]*[a-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex DnsLabel();
}
