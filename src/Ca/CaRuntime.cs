using Mesh.Ca.Leader;
using Mesh.Ca.Leaves;
using Mesh.Ca.Signing;

namespace Mesh.Ca;

/// <summary>The Connect CA on one server: the leader's loop and signer, the configuration updater and the leaf cache.</summary>
public sealed class CaRuntime : IDisposable
{
    public CaRuntime(ICaHost host)
    {
        Host = host;
        Signer = new LeafSigner(host);
        SigningRoute = new LeafSigningRoute(host, Signer);
        LeafKeys = new LeafKeyPool(LeafKeyPoolCapacity);
        Leaves = new LeafCertCache(host, SigningRoute, LeafKeys);
        Configuration = new CaConfigurationUpdater(host);
        Leader = new CaLeaderLoop(host);
    }

    public ICaHost Host { get; }

    /// <summary>Signs CSRs when this server leads (also the target of forwarded CSRs).</summary>
    public LeafSigner Signer { get; }

    /// <summary>Signs a CSR here when this server leads, else at the leader (the gRPC <c>Sign</c> and the leaf cache).</summary>
    public LeafSigningRoute SigningRoute { get; }

    /// <summary>How many leaf key pairs are generated ahead of demand, at most.</summary>
    public const int LeafKeyPoolCapacity = 64;

    /// <summary>Leaf key pairs generated ahead of demand for <see cref="Leaves"/>.</summary>
    public LeafKeyPool LeafKeys { get; }

    public LeafCertCache Leaves { get; }

    public CaConfigurationUpdater Configuration { get; }

    public CaLeaderLoop Leader { get; }

    public Task RunAsync(CancellationToken cancellationToken) => Leader.RunAsync(cancellationToken);

    public void Dispose()
    {
        LeafKeys.Dispose();
        Signer.Dispose();
    }
}
