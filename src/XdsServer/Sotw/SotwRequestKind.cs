namespace Mesh.XdsServer.Sotw;

/// <summary>How a SotW request relates to the stream's last response of its type.</summary>
internal enum SotwRequestKind
{
    /// <summary>No response_nonce: the first request for the type (or a fresh one); always answered.</summary>
    Initial,

    /// <summary>The latest nonce without error_detail: the client accepted that version.</summary>
    Ack,

    /// <summary>The latest nonce with error_detail: the client rejected that version and keeps its previous one.</summary>
    Nack,

    /// <summary>A nonce other than the latest: superseded by a response in flight, ignored entirely.</summary>
    Stale,
}

/// <summary>The session's verdict on one request: its kind, and whether the type must be answered now.</summary>
internal sealed record SotwRequestOutcome(string TypeUrl, SotwRequestKind Kind, bool MustRespond, bool SubscriptionChanged);
