namespace Mesh.Server.Federation;

/// <summary>
/// The other datacenters this server knows (Consul's <c>Catalog.ListDatacenters</c> watch of a mesh gateway), with a
/// signal when the set changes, so proxycfg can start and stop following each one's mesh gateways.
/// </summary>
public interface IKnownDatacenters
{
    /// <summary>Every other known datacenter (not this one), by name.</summary>
    IReadOnlyList<string> Remote();

    /// <summary>Calls <paramref name="changed"/> after every change of <see cref="Remote"/> until the result is disposed.</summary>
    IDisposable OnChanged(Action changed);
}
