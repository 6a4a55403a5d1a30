using Mesh.Ca.Config;
using Mesh.Ca.Crypto;
using Mesh.Fsm.Model;

namespace Mesh.Ca.Roots;

/// <summary>
/// Computes the next CA state for the leader to propose: the first state, a configuration change (rotating the root
/// when it must change, as <c>CAManager.primaryUpdateRootCA</c> does) and pruning of roots rotated out long ago. Pure
/// apart from generating keys; the caller stamps the time.
/// </summary>
public static class CaStatePlanner
{
    public static CaState Initial(CaProviderConfig config, DateTimeOffset now)
    {
        var clusterId = config.ClusterId ?? Guid.NewGuid().ToString();
        var trustDomain = (clusterId + ".consul").ToLowerInvariant();
        return new CaState
        {
            ClusterId = clusterId,
            TrustDomain = trustDomain,
            Configuration = new CaConfiguration { Provider = CaProviderConfig.ConsulProvider, Config = config.ToStoredJson(), State = StateOf(config) },
            Roots = [RootCertificates.Create(config, clusterId, trustDomain, now)],
        };
    }

    /// <summary>
    /// A new configuration. The root changes when the key type or size changes or the operator supplies a root (key,
    /// or key and certificate) other than the active one; the old root then cross-signs the new one (unless
    /// <paramref name="forceWithoutCrossSigning"/>), stays trusted with Active=false and RotatedOutAt=now, and the new
    /// root becomes the only active one. Otherwise only the configuration is replaced.
    /// </summary>
    public static CaState Reconfigure(CaState current, CaProviderConfig config, bool forceWithoutCrossSigning, DateTimeOffset now)
    {
        var configuration = current.Configuration with
        {
            Provider = CaProviderConfig.ConsulProvider,
            Config = config.ToStoredJson(),
            ForceWithoutCrossSigning = forceWithoutCrossSigning,
            State = StateOf(config),
        };
        var active = current.Roots.Single(r => r.Active);
        if (!RootMustChange(active, config))
        {
            return current with { Configuration = configuration };
        }

        var next = RootCertificates.Create(config, current.ClusterId, current.TrustDomain, now);
        if (next.Id == active.Id)
        {
            return current with { Configuration = configuration };
        }

        if (!forceWithoutCrossSigning)
        {
            next = next with { IntermediateCerts = [CrossSigning.CrossSign(active, next, now), .. next.IntermediateCerts] };
        }

        var rotatedOutAt = now.ToUnixTimeMilliseconds();
        var roots = current.Roots
            .Where(r => r.Id != next.Id)
            .Select(r => r.Active ? r with { Active = false, RotatedOutAtUnixMilliseconds = rotatedOutAt } : r)
            .Append(next)
            .ToList();
        return current with { Configuration = configuration, Roots = roots };
    }

    /// <summary><c>pruneCARoots</c>: drops inactive roots rotated out more than twice the leaf TTL ago; null when none are due.</summary>
    public static CaState? Prune(CaState current, DateTimeOffset now)
    {
        var leafTtl = CaConfigParser.ParseStored(current.Configuration).LeafCertTtl;
        var cutoff = (now - (2 * leafTtl)).ToUnixTimeMilliseconds();
        var kept = current.Roots.Where(r => r.Active || r.RotatedOutAtUnixMilliseconds == 0 || r.RotatedOutAtUnixMilliseconds >= cutoff).ToList();
        return kept.Count == current.Roots.Count ? null : current with { Roots = kept };
    }

    /// <summary>The provider's state: the <c>test_state</c> keys, sorted; null when none (Consul's provider returns nil).</summary>
    private static SortedDictionary<string, string>? StateOf(CaProviderConfig config)
        => config.TestState is { } state ? new SortedDictionary<string, string>(state.ToDictionary(), StringComparer.Ordinal) : null;

    private static bool RootMustChange(CaRoot active, CaProviderConfig config)
    {
        if (config.RootCertPem is not null)
        {
            return true; // compared by ID once built
        }

        if (config.PrivateKeyPem is not null)
        {
            using var key = CaKeys.ImportPem(config.PrivateKeyPem, "PrivateKey");
            return KeyIds.ColonHex(KeyIds.Of(CaKeys.SubjectPublicKeyInfo(key))) != active.SigningKeyId;
        }

        return active.PrivateKeyType != config.PrivateKeyType || active.PrivateKeyBits != config.PrivateKeyBits;
    }
}
