namespace Mesh.LoadTest.Targets;

/// <summary>
/// A server under load, started on loopback ports in a temp folder and stopped (folder deleted) on dispose.
/// The load drivers only see this interface, so the same driver measures Mesh and its peers alike.
/// </summary>
public interface ILoadTarget : IAsyncDisposable
{
    /// <summary>Short name used in reports (<c>mesh</c>, <c>etcd</c>).</summary>
    string Name { get; }

    /// <summary>Base address of the HTTP API the load is sent to.</summary>
    Uri BaseAddress { get; }

    /// <summary>Memory and CPU of the server process.</summary>
    ProcessProbe Probe { get; }

    /// <summary>
    /// One durable write: client <paramref name="client"/>'s <paramref name="sequence"/>-th. Each writes the document of
    /// <see cref="WritePayload"/>, so every target stores the same bytes per write, and each is a real change.
    /// </summary>
    HttpRequestMessage CreateWrite(int client, long sequence);

    /// <summary>Sets up the load driver's HTTP handler (TLS trust and client certificate for an HTTPS target).</summary>
    void ConfigureHandler(SocketsHttpHandler handler)
    {
    }

    /// <summary>
    /// The Raft index the servers have applied, where the target exposes it (Mesh: <c>/v1/internal/mesh/state</c>), so a
    /// run can report log entries per write; null where it does not.
    /// </summary>
    Task<long?> AppliedIndexAsync(CancellationToken cancellationToken) => Task.FromResult<long?>(null);
}
