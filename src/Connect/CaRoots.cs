using System.Security.Cryptography.X509Certificates;
using System.Text.Json;

namespace Mesh.Connect;

/// <summary>The trust roots as <c>/v1/agent/connect/ca/roots</c> gave them at one index.</summary>
public sealed class CaRoots
{
    private CaRoots(string trustDomain, string activeRootId, X509Certificate2Collection certificates, long index)
    {
        TrustDomain = trustDomain;
        ActiveRootId = activeRootId;
        Certificates = certificates;
        Index = index;
    }

    /// <summary>The bare host, <c>&lt;cluster id&gt;.consul</c>.</summary>
    public string TrustDomain { get; }

    public string ActiveRootId { get; }

    /// <summary>Every root certificate (active and rotated-out), the pool a peer's chain must end in.</summary>
    public X509Certificate2Collection Certificates { get; }

    public long Index { get; }

    public static CaRoots Parse(JsonElement body, long index)
    {
        var trustDomain = body.TryGetProperty(nameof(TrustDomain), out var td) ? td.GetString() ?? string.Empty : string.Empty;
        var active = body.TryGetProperty("ActiveRootID", out var id) ? id.GetString() ?? string.Empty : string.Empty;
        var certificates = new X509Certificate2Collection();
        if (body.TryGetProperty("Roots", out var roots) && roots.ValueKind == JsonValueKind.Array)
        {
            foreach (var root in roots.EnumerateArray())
            {
                if (root.TryGetProperty("RootCert", out var pem) && pem.GetString() is { Length: > 0 } text)
                {
                    certificates.Add(X509Certificate2.CreateFromPem(text));
                }
            }
        }

        return new CaRoots(trustDomain, active, certificates, index);
    }

    /// <summary>A chain policy that trusts exactly these roots (no system store, no revocation fetches).</summary>
    public X509ChainPolicy ChainPolicy(string? requiredUsageOid)
    {
        var policy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            RevocationMode = X509RevocationMode.NoCheck,
            DisableCertificateDownloads = true,
        };
        policy.CustomTrustStore.AddRange(Certificates);
        if (requiredUsageOid is not null)
        {
            policy.ApplicationPolicy.Add(new System.Security.Cryptography.Oid(requiredUsageOid));
        }

        return policy;
    }
}
