using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Mesh.EnvoyResources.Proxyless;
using Mesh.ProxyCfg;

namespace Mesh.XdsServer.Resources;

/// <summary>
/// Generates and packs each proxyless resource once per snapshot, however many SotW streams of that key serve it
/// (proxycfg hands every watch of a key the same snapshot instance). One per server (owned by its
/// <see cref="XdsServerContext"/>); entries are held weakly by the snapshot. Listener names are the client's (any
/// <c>service:port</c> form), so at most <see cref="MaxPerSnapshot"/> resources are kept per snapshot; past that they
/// are built per stream, as before.
/// </summary>
internal sealed class ProxylessResourceCache
{
    public const int MaxPerSnapshot = 4096;

    private readonly ConditionalWeakTable<ProxylessSnapshot, ConcurrentDictionary<(string Type, string Name), PackedResource>> _packed = new();

    /// <summary>The existing resources of one type for a subscription, sorted by name, packed.</summary>
    public IReadOnlyList<PackedResource> Resolve(ProxylessSnapshot snapshot, string typeUrl, ResourceSubscription subscription)
    {
        var memo = _packed.GetValue(snapshot, static _ => new ConcurrentDictionary<(string, string), PackedResource>());
        var resources = new List<PackedResource>();
        foreach (var name in ProxylessResources.Names(snapshot, typeUrl, subscription))
        {
            if (memo.TryGetValue((typeUrl, name), out var cached))
            {
                resources.Add(cached);
                continue;
            }

            if (ProxylessResources.Build(snapshot, typeUrl, name) is not { } message)
            {
                continue; // absent names are cheap to look up again and are not kept
            }

            var packed = PackedResource.Of(message);
            resources.Add(memo.Count < MaxPerSnapshot ? memo.GetOrAdd((typeUrl, name), packed) : packed);
        }

        return resources;
    }
}

/// <summary>A resource packed for a response, with its encoding (what the stream's digest is computed over).</summary>
internal sealed record PackedResource(Any Packed, byte[] Encoded)
{
    public static PackedResource Of(IMessage message)
    {
        var packed = Any.Pack(message);
        return new PackedResource(packed, packed.ToByteArray());
    }
}
