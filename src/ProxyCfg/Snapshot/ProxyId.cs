namespace Mesh.ProxyCfg;

/// <summary>A proxy's identity: the catalog node it is registered on and its service ID there (Consul's ProxyID).</summary>
public sealed record ProxyId(string NodeName, string ServiceId)
{
    public override string ToString() => NodeName + "/" + ServiceId;
}
