using Mesh.ProxyCfg.Tests.Support;

namespace Mesh.ProxyCfg.Tests;

/// <summary>
/// An upstream whose chain stops compiling keeps its last valid chain (with current endpoints) instead of vanishing,
/// which would remove its listener from Envoy. New graphs like this are refused by the FSM; old logs and snapshots can
/// still hold one, which the store here (an FSM without the validator) stands for.
/// </summary>
public sealed class LastValidChainTests
{
    [Fact]
    public void Build_ChainStopsCompiling_KeepsThePreviousChainWithCurrentEndpoints()
    {
        var store = new MeshStore();
        store.InitializeCa();
        var id = store.RegisterWeb(upstreams: MeshStore.UpstreamTo("a", 9191));
        store.RegisterInstance("b", "node-b-1", "127.0.0.31");
        store.ConfigEntry("""{"Kind":"service-resolver","Name":"a","Redirect":{"Service":"b"}}""");
        var valid = SnapshotBuilder.Build(store.State, id, MeshStore.Leaf(), MeshStore.Self())!;
        var validUpstream = Assert.Single(valid.Upstreams);

        store.ConfigEntry("""{"Kind":"service-resolver","Name":"b","Redirect":{"Service":"a"}}""");
        store.RegisterInstance("b", "node-b-2", "127.0.0.32");

        var withoutHistory = SnapshotBuilder.Build(store.State, id, MeshStore.Leaf(), MeshStore.Self())!;
        Assert.Empty(withoutHistory.Upstreams);

        var kept = SnapshotBuilder.Build(store.State, id, MeshStore.Leaf(), MeshStore.Self(), previous: valid)!;
        var upstream = Assert.Single(kept.Upstreams);
        Assert.Equal(validUpstream.Chain, upstream.Chain);
        var target = Assert.Single(upstream.Chain.Targets).Value;
        Assert.Equal("b", target.Service);
        Assert.Equal(["node-b-1", "node-b-2"], upstream.Endpoints[target.Id].Select(e => e.Node).ToArray());
    }

    [Fact]
    public void Build_ChainNeverCompiled_LeavesTheUpstreamOutAndRecordsWhy()
    {
        var store = new MeshStore();
        store.InitializeCa();
        var id = store.RegisterWeb(upstreams: MeshStore.UpstreamTo("a", 9191));
        store.ConfigEntry("""{"Kind":"service-resolver","Name":"a","Redirect":{"Service":"b"}}""");
        store.ConfigEntry("""{"Kind":"service-resolver","Name":"b","Redirect":{"Service":"a"}}""");

        var scope = new BuildScope(BuildCache.Unshared(store.State), reads: null, previous: null);
        var snapshot = SnapshotBuilder.Build(store.State, id, MeshStore.Leaf(), MeshStore.Self(), scope)!;

        Assert.Empty(snapshot.Upstreams);
        var failure = Assert.Single(scope.ChainFailures);
        Assert.Equal("a", failure.Upstream.EnvoyId);
        Assert.False(failure.KeptLast);
        Assert.Contains("circular resolver redirect", failure.Reason, StringComparison.Ordinal);
    }
}
