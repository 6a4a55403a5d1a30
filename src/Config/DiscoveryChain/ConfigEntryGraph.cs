using Mesh.Config.ConfigEntries;
using Mesh.Fsm.Model;
using Mesh.Fsm.State;

namespace Mesh.Config.DiscoveryChain;

/// <summary>
/// Consul's <c>validateProposedConfigEntryInServiceGraph</c>: when a write of a chain-shaping entry (router, splitter,
/// resolver, service-defaults, proxy-defaults) is applied, every chain it can affect is compiled against the state as
/// it would be afterwards; a write that breaks one (a cycle, mixed protocols, a router on a tcp service, an unknown
/// subset, L7 intentions on a non-HTTP service) is refused with a 400 and nothing is written. The FSM runs it
/// (through <see cref="ConfigEntries.ConfigEntryValidator"/>) against the state being applied to, as Consul's FSM does.
/// </summary>
public static class ConfigEntryGraph
{
    // Any datacenter and trust domain do: they do not change whether a chain compiles.
    private const string ProbeDatacenter = "dc1";
    private const string ProbeTrustDomain = "11111111-2222-3333-4444-555555555555.consul";

    private static readonly string[] ChainKinds = [ServiceRouterKind.KindName, ServiceSplitterKind.KindName, ServiceResolverKind.KindName];

    /// <exception cref="InvalidConfigEntryException">the entry would leave a chain that does not compile.</exception>
    public static void EnsureValidUpsert(StoreState current, ConfigEntry proposed)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(proposed);
        if (Relevant(proposed.Kind))
        {
            var next = current with { ConfigEntries = current.ConfigEntries.SetItem(new ConfigEntryKey(proposed.Kind, proposed.Name), proposed) };
            Check(next, proposed.Kind, proposed.Name);
        }
    }

    /// <exception cref="InvalidConfigEntryException">removing the entry would leave a chain that does not compile.</exception>
    public static void EnsureValidDelete(StoreState current, string kind, string name)
    {
        ArgumentNullException.ThrowIfNull(current);
        if (Relevant(kind))
        {
            Check(current with { ConfigEntries = current.ConfigEntries.Remove(new ConfigEntryKey(kind, name)) }, kind, name);
        }
    }

    /// <summary>The chains a change to (kind, name) can affect, in the state after the change.</summary>
    public static IReadOnlyList<string> AffectedChains(StoreState state, string kind, string name)
    {
        ArgumentNullException.ThrowIfNull(state);
        var affected = new SortedSet<string>(StringComparer.Ordinal);
        if (kind == ProxyDefaultsKind.KindName)
        {
            foreach (var entryKind in ChainKinds.Append(ServiceDefaultsKind.KindName))
            {
                affected.UnionWith(state.ConfigEntriesOfKind(entryKind).Select(entry => entry.Name));
            }

            return [.. affected];
        }

        // Every chain that reaches the named service through some router, splitter or resolver.
        var referencedBy = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var entry in ChainKinds.SelectMany(state.ConfigEntriesOfKind))
        {
            foreach (var related in RelatedServices(entry))
            {
                if (!referencedBy.TryGetValue(related, out var set))
                {
                    referencedBy[related] = set = new HashSet<string>(StringComparer.Ordinal);
                }

                set.Add(entry.Name);
            }
        }

        var todo = new Queue<string>([name]);
        while (todo.TryDequeue(out var service))
        {
            if (affected.Add(service))
            {
                foreach (var referrer in referencedBy.GetValueOrDefault(service) ?? [])
                {
                    todo.Enqueue(referrer);
                }
            }
        }

        return [.. affected];
    }

    private static bool Relevant(string kind)
        => ChainKinds.Contains(kind) || kind is ServiceDefaultsKind.KindName or ProxyDefaultsKind.KindName;

    private static void Check(StoreState next, string kind, string name)
    {
        foreach (var service in AffectedChains(next, kind, name))
        {
            CompiledDiscoveryChain chain;
            try
            {
                chain = DiscoveryChainCompiler.Compile(next, new CompileRequest
                {
                    ServiceName = service,
                    EvaluateInDatacenter = ProbeDatacenter,
                    EvaluateInTrustDomain = ProbeTrustDomain,
                });
            }
            catch (DiscoveryChainException error)
            {
                throw new InvalidConfigEntryException(error.Message);
            }

            if (!ChainCompilation.IsHttpLike(chain.Protocol) && HasL7Intentions(next, service))
            {
                throw new InvalidConfigEntryException($"service \"{service}\" has protocol \"{chain.Protocol}\", which is incompatible with L7 intentions permissions");
            }
        }
    }

    private static bool HasL7Intentions(StoreState state, string service)
        => state.FindConfigEntry(ServiceIntentionsKind.KindName, service) is { } stored
           && ConfigEntryKinds.ServiceIntentions.Read(stored).Sources?.Any(source => source.Permissions is { Count: > 0 }) == true;

    /// <summary>Consul's <c>ListRelatedServices</c>: the other services an entry sends traffic to.</summary>
    private static IEnumerable<string> RelatedServices(ConfigEntry stored)
    {
        var name = stored.Name;
        IEnumerable<string?> related = stored.Kind switch
        {
            ServiceRouterKind.KindName => ConfigEntryKinds.ServiceRouter.Read(stored).Routes?.Select(route => route.Destination?.Service) ?? [],
            ServiceSplitterKind.KindName => ConfigEntryKinds.ServiceSplitter.Read(stored).Splits?.Select(split => split.Service) ?? [],
            ServiceResolverKind.KindName => ResolverTargets(ConfigEntryKinds.ServiceResolver.Read(stored)),
            _ => [],
        };
        return related.Select(service => string.IsNullOrEmpty(service) ? name : service).Where(service => service != name).Distinct(StringComparer.Ordinal);
    }

    private static IEnumerable<string?> ResolverTargets(ServiceResolverEntry resolver)
    {
        if (resolver.Redirect is { } redirect)
        {
            yield return redirect.Service;
        }

        foreach (var failover in resolver.Failover?.Values ?? Enumerable.Empty<ServiceResolverFailover>())
        {
            yield return failover.Service;
            foreach (var target in failover.Targets ?? [])
            {
                if (string.IsNullOrEmpty(target.Peer))
                {
                    yield return target.Service;
                }
            }
        }
    }
}
