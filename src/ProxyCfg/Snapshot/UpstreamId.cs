namespace Mesh.ProxyCfg;

/// <summary>
/// Consul's <c>UpstreamID</c>. <see cref="EnvoyId"/> prefixes upstream listener names and names RDS route configs:
/// <c>name</c>, <c>name?dc=X</c>, and <c>type:</c> in front when the type is not <c>service</c>.
/// </summary>
public sealed record UpstreamId(string Type, string Name, string Datacenter)
{
    public const string ServiceType = "service";

    public string EnvoyId
    {
        get
        {
            var id = Datacenter.Length > 0 ? Name + "?dc=" + Datacenter : Name;
            return Type is ServiceType or "" ? id : Type + ":" + id;
        }
    }

    public static UpstreamId ForService(string name, string datacenter = "") => new(ServiceType, name, datacenter);

    public override string ToString() => EnvoyId;
}
