namespace Mesh.Server.Federation;

/// <summary>
/// "The instances of <see cref="Service"/> (or of every service of <see cref="Kind"/>) in <see cref="Datacenter"/>, blocking from <see cref="MinIndex"/>": Consul's
/// <c>Health.ServiceNodes</c> as one server asks it of a datacenter (its own or another one).
/// </summary>
public sealed record DatacenterHealthQuery
{
    public required string Datacenter { get; init; }

    /// <summary>The service whose instances are asked for; ignored when <see cref="Kind"/> is set.</summary>
    public string Service { get; init; } = string.Empty;

    /// <summary>
    /// When set (e.g. <c>mesh-gateway</c>), the instances of every service of this kind instead of one service's: what
    /// Consul's mesh gateway watches of another datacenter ask (<c>Internal.ServiceDump</c> with a kind).
    /// </summary>
    public string Kind { get; init; } = string.Empty;

    /// <summary>Connect-capable instances (sidecars and native services of <see cref="Service"/>), as <c>/v1/health/connect</c>.</summary>
    public bool Connect { get; init; }

    /// <summary>0 answers at once; otherwise the answer waits until the index passes this or <see cref="Wait"/> runs out.</summary>
    public long MinIndex { get; init; }

    public TimeSpan Wait { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The request's ACL token, checked by the datacenter that answers (tokens are not replicated).</summary>
    public string Token { get; init; } = string.Empty;
}

/// <summary>The rows the token may read, and the answering datacenter's index for them.</summary>
public sealed record DatacenterHealth(long Index, IReadOnlyList<HealthRow> Rows);

/// <summary>A datacenter this server does not know (Consul: <c>No path to datacenter</c>).</summary>
public sealed class NoPathToDatacenterException : Exception
{
    public NoPathToDatacenterException()
        : this(string.Empty)
    {
    }

    public NoPathToDatacenterException(string datacenter)
        : base($"No path to datacenter \"{datacenter}\"")
    {
        Datacenter = datacenter;
    }

    public NoPathToDatacenterException(string message, Exception inner)
        : base(message, inner)
    {
        Datacenter = string.Empty;
    }

    public string Datacenter { get; }
}

/// <summary>The answering datacenter refused the query (its ACLs, or the request was malformed there).</summary>
public sealed class DatacenterQueryException : Exception
{
    public DatacenterQueryException()
        : this("The datacenter refused the query")
    {
    }

    public DatacenterQueryException(string message)
        : base(message)
    {
    }

    public DatacenterQueryException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public DatacenterQueryException(string message, bool permissionDenied)
        : base(message) => PermissionDenied = permissionDenied;

    public bool PermissionDenied { get; }
}
