namespace Mesh.Server.Logging;

/// <summary>
/// Carries the Raft index a request's writes reached back to the edge that audits the request: the edge opens a scope
/// for the request, and every command the pipeline commits within that request's async flow records its index.
/// </summary>
public sealed class WriteAuditScope
{
    private static readonly AsyncLocal<WriteAuditScope?> Current = new();
    private long _index;

    /// <summary>The highest index a command of this request was applied at; 0 when none was.</summary>
    public long Index => Interlocked.Read(ref _index);

    /// <summary>Opens a scope for the calling async flow (and everything it awaits).</summary>
    public static WriteAuditScope Begin()
    {
        var scope = new WriteAuditScope();
        Current.Value = scope;
        return scope;
    }

    /// <summary>Called by the pipeline for each applied command; does nothing outside a scope.</summary>
    public static void Record(long index)
    {
        if (Current.Value is not { } scope)
        {
            return;
        }

        long seen;
        while (index > (seen = Interlocked.Read(ref scope._index)) && Interlocked.CompareExchange(ref scope._index, index, seen) != seen)
        {
        }
    }
}
