using System.Security.Cryptography;
using Google.Protobuf.WellKnownTypes;
using Mesh.EnvoyResources;

namespace Mesh.Benchmarks;

/// <summary>What the xDS server adds per snapshot: each resource packed into an Any and versioned by its SHA-256.</summary>
internal static class ResourceVersions
{
    /// <summary>Packs and hashes every resource; returns the total length of the versions (so nothing is optimized away).</summary>
    public static int PackAndHash(EnvoyResourceSet resources)
    {
        var versions = 0;
        foreach (var (_, named) in resources.ByType)
        {
            foreach (var (_, message) in named)
            {
                var packed = Any.Pack(message);
                versions += Convert.ToHexStringLower(SHA256.HashData(packed.Value.Span)).Length;
            }
        }

        return versions;
    }
}
