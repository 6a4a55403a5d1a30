namespace Mesh.LoadTest.Parked;

/// <summary>Knobs of the parked-queries test; every wait is bounded.</summary>
public sealed record ParkedSettings
{
    public required string MeshBinary { get; init; }

    /// <summary>The <c>wait</c> each query asks for: far longer than a phase, so none times out on its own.</summary>
    public TimeSpan QueryWait { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Quiet time before a memory reading, and after parking (so every request has reached the server).</summary>
    public TimeSpan Settle { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>How long after the affected queries answered we keep watching that no other query answers.</summary>
    public TimeSpan Grace { get; init; } = TimeSpan.FromSeconds(2);

    public TimeSpan WakeTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Queries started together; below the server's listen backlog (Kestrel: 512).</summary>
    public int Wave { get; init; } = 500;

    public TimeSpan WaveTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
