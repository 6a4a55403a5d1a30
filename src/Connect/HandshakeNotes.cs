namespace Mesh.Connect;

/// <summary>What a certificate callback learned during one handshake (its reason for refusing, the peer's identity).</summary>
internal sealed class HandshakeNotes
{
    public string? Reason { get; set; }

    public SpiffeId? PeerId { get; set; }

    public string PeerSerial { get; set; } = string.Empty;
}
