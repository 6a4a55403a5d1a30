using System.Text.Json.Nodes;
using Mesh.Config.ConfigEntries;
using Mesh.Config.DiscoveryChain;
using Mesh.Fsm.State;

namespace Mesh.Config.Tests.DiscoveryChain;

/// <summary>Store states holding config entries written as JSON, decoded and validated by their kinds as on a write.</summary>
internal static class ChainState
{
    public const string TrustDomain = "11111111-2222-3333-4444-555555555555.consul";

    public static StoreState With(params string[] entries)
    {
        var state = StoreState.Empty;
        foreach (var json in entries)
        {
            var entry = ConfigEntryKinds.Decode((JsonObject)JsonNode.Parse(json)!).ToEntry();
            state = state with { ConfigEntries = state.ConfigEntries.SetItem(new ConfigEntryKey(entry.Kind, entry.Name), entry) };
        }

        return state;
    }

    public static CompiledDiscoveryChain Compile(StoreState state, string service, Func<CompileRequest, CompileRequest>? configure = null)
    {
        var request = new CompileRequest { ServiceName = service, EvaluateInDatacenter = "dc1", EvaluateInTrustDomain = TrustDomain };
        return DiscoveryChainCompiler.Compile(state, configure?.Invoke(request) ?? request);
    }

    public static string Sni(string prefix, string dc = "dc1") => $"{prefix}.default.{dc}.internal.{TrustDomain}";
}
