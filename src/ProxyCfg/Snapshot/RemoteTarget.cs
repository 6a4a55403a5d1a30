namespace Mesh.ProxyCfg;

/// <summary>A chain target's service in another datacenter, whose Connect instances proxycfg follows there.</summary>
internal sealed record RemoteTarget(string Datacenter, string Service);
