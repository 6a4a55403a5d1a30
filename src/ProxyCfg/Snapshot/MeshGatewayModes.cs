namespace Mesh.ProxyCfg;

/// <summary>Mesh gateway modes as Consul spells them (an empty mode is <see cref="None"/>).</summary>
internal static class MeshGatewayModes
{
    public const string None = "none";
    public const string Local = "local";
    public const string Remote = "remote";
}
