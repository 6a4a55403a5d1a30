using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace Mesh.XdsServer.Sotw;

internal static partial class SotwLog
{
    [LoggerMessage(Level = LogLevel.Debug, Message = "SotW stream from {NodeId}: {Kind} {TypeUrl} (nonce {Nonce}, version {Version}, {Names} names)")]
    public static partial void Received(ILogger logger, string nodeId, SotwRequestKind kind, string typeUrl, string nonce, string version, int names);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Proxyless client {NodeId} rejected {TypeUrl} version {Version} (resources {Resources}): {Error}")]
    public static partial void Rejected(ILogger logger, string nodeId, string typeUrl, long version, string resources, string error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "SotW stream to {NodeId}: sent {TypeUrl} version {Version} nonce {Nonce} with {Count} resources")]
    public static partial void Sent(ILogger logger, string nodeId, string typeUrl, string version, string nonce, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "SotW stream from {NodeId} ({Peer}) ended with {Code}: {Detail}")]
    public static partial void Refused(ILogger logger, string nodeId, string peer, StatusCode code, string detail);
}
