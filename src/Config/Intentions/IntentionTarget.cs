namespace Mesh.Config.Intentions;

/// <summary>
/// A source or destination in an intention query (<c>?source=web</c>, <c>default/web</c>, <c>peer:p/web</c>), as
/// Consul's <c>parseIntentionStringComponent</c> reads it. Only the default namespace and partition exist here.
/// </summary>
public readonly record struct IntentionTarget(string Name, string? Peer)
{
    /// <exception cref="ArgumentException">The value cannot be used; the message says why.</exception>
    public static IntentionTarget Parse(string input, bool allowPeer)
    {
        if (input.StartsWith("peer:", StringComparison.Ordinal) && !allowPeer)
        {
            throw new ArgumentException("cannot specify a peer here");
        }

        var parts = input.Split('/');
        return parts.Length switch
        {
            1 when input.StartsWith("peer:", StringComparison.Ordinal) => throw new ArgumentException("need to specify the service name as well"),
            1 => new IntentionTarget(input, null),
            2 when parts[0].StartsWith("peer:", StringComparison.Ordinal) => new IntentionTarget(parts[1], parts[0]["peer:".Length..]),
            2 => new IntentionTarget(parts[1], DefaultNamespace(parts[0], peer: null)),
            3 when parts[0].StartsWith("peer:", StringComparison.Ordinal) => new IntentionTarget(parts[2], DefaultNamespace(parts[1], parts[0]["peer:".Length..])),
            3 when parts[0] == "default" => new IntentionTarget(parts[2], DefaultNamespace(parts[1], peer: null)),
            3 => throw new ArgumentException("admin partitions are a Consul Enterprise feature"),
            _ => throw new ArgumentException("input can contain at most two '/'"),
        };
    }

    private static string? DefaultNamespace(string ns, string? peer)
        => ns is IntentionPrecedence.DefaultNamespace ? peer : throw new ArgumentException("namespaces are a Consul Enterprise feature");
}
