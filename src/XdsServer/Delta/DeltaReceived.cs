namespace Mesh.XdsServer.Delta;

/// <summary>What a request's <c>response_nonce</c> turned out to be.</summary>
internal enum NonceOutcome
{
    /// <summary>No nonce: a new subscription or a subscription change.</summary>
    None,

    /// <summary>The nonce of the outstanding response, without error_detail.</summary>
    Ack,

    /// <summary>The nonce of the outstanding response, with error_detail.</summary>
    Nack,

    /// <summary>A nonce that is not outstanding (older or unknown): ignored, but subscription changes still apply.</summary>
    Stale,

    /// <summary>A type this server does not serve (secrets, runtime, ...): the request is ignored.</summary>
    IgnoredType,
}

/// <summary>The outcome of one request, for logs and metrics.</summary>
internal sealed record DeltaReceived(string TypeUrl, NonceOutcome Nonce, string ResponseNonce, IReadOnlyList<string> NackedNames, string? NackError);
