namespace Mesh.Connect;

/// <summary>One healthy Connect-capable instance of a service: where to dial and whose certificate to expect there.</summary>
public sealed record ConnectEndpoint(string Host, int Port, SpiffeId ExpectedId);
