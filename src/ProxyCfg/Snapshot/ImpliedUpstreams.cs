using Mesh.Config.ConfigEntries;
using Mesh.Config.Intentions;
using Mesh.Fsm.Model;
using Mesh.Fsm.State;
using Mesh.ProxyCfg.Merge;

namespace Mesh.ProxyCfg;

/// <summary>
/// Upstreams a transparent proxy gets without declaring them (Consul's <c>IntentionUpstreams</c> /
/// <c>IntentionTopology</c>): every typical service the proxied service may connect to under the intentions, with
/// L7 intentions counting as allowing and the default policy deciding services no intention matches.
/// </summary>
internal static class ImpliedUpstreams
{
    /// <summary>Consul leaves out its own servers' service.</summary>
    private const string ConsulService = "consul";

    public static IEnumerable<UpstreamSnapshot> Build(UpstreamContext context, IEnumerable<string> explicitIds)
    {
        var state = context.State;
        context.Reads?.Add(WatchKeys.Services);
        context.Reads?.Add(WatchKeys.ConfigKind(ServiceIntentionsKind.KindName));
        var taken = new HashSet<string>(explicitIds, StringComparer.Ordinal);
        var defaultAllow = IntentionDecision.Default(context.Self.DefaultIntentionPolicy).Allowed;
        foreach (var name in context.Scope.Cache.TypicalServiceNames())
        {
            if (name == context.Destination || name == ConsulService || !Allowed(state, context.Destination, name, defaultAllow))
            {
                continue;
            }

            var id = UpstreamId.ForService(name);
            if (taken.Contains(id.EnvoyId))
            {
                continue;
            }

            // The central upstream config (override for this name or the defaults) still shapes the chain.
            var config = JsonConfig.ToBlob(ServiceConfigMerge.ResolveUpstreamConfig(state, context.Destination, name, context.Reads));
            if (context.Upstream(id, registration: null, config, context.Self.Datacenter, meshGatewayMode: string.Empty) is { } upstream)
            {
                yield return upstream;
            }
        }
    }

    private static bool Allowed(StoreState state, string source, string destination, bool defaultAllow)
    {
        var deciding = IntentionCatalog.Deciding(state, source, destination);
        return deciding is null ? defaultAllow : deciding.IsL7 || deciding.Action == "allow";
    }
}
