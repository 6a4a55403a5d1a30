using Mesh.Server.Federation;

namespace Mesh.ProxyCfg;

/// <summary>Health rows equal in what endpoints are made of (node, instance and check statuses).</summary>
internal sealed class HealthRowComparer : IEqualityComparer<HealthRow>
{
    public static HealthRowComparer Instance { get; } = new();

    public static bool SameRows(IReadOnlyList<HealthRow> held, IReadOnlyList<HealthRow> fresh) => held.SequenceEqual(fresh, Instance);

    public bool Equals(HealthRow? x, HealthRow? y)
        => x is not null && y is not null
           && x.Node.Name == y.Node.Name && x.Node.Address == y.Node.Address && x.Node.ModifyIndex == y.Node.ModifyIndex
           && x.Service.Id == y.Service.Id && x.Service.ModifyIndex == y.Service.ModifyIndex
           && x.Checks.Select(c => (c.CheckId, c.Status)).SequenceEqual(y.Checks.Select(c => (c.CheckId, c.Status)));

    public int GetHashCode(HealthRow obj) => HashCode.Combine(obj.Node.Name, obj.Service.Id);
}
