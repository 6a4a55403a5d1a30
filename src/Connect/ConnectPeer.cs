using System.Net.Security;

namespace Mesh.Connect;

/// <summary>An accepted (server side) or dialed (client side) Connect connection and the peer's identity.</summary>
public sealed record ConnectPeer(SslStream Stream, SpiffeId PeerId, string PeerSerial);
