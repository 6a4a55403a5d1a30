namespace Mesh.Server.Federation;

/// <summary>
/// Healthy-or-not instances of a service in a named datacenter, as a blocking query: the local datacenter answers
/// from this server's store (<see cref="StoreHealthSource"/>), another one through a server of that datacenter
/// (<see cref="WanFederation"/>). proxycfg follows chain targets in other datacenters through this.
/// </summary>
public interface IDatacenterHealthSource
{
    /// <summary>
    /// Throws <see cref="NoPathToDatacenterException"/> for a datacenter no server is known in, and
    /// <see cref="DatacenterQueryException"/> when the datacenter refused (ACLs).
    /// </summary>
    ValueTask<DatacenterHealth> QueryAsync(DatacenterHealthQuery query, CancellationToken cancellationToken);
}
