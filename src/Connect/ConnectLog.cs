using Microsoft.Extensions.Logging;

namespace Mesh.Connect;

/// <summary>Log lines of the library (event ids 14000-14099).</summary>
internal static partial class ConnectLog
{
    [LoggerMessage(EventId = 14000, Level = LogLevel.Warning, Message = "connect: {What} failed, retrying in {DelayMs} ms: {Error}")]
    public static partial void WatchFailed(ILogger logger, string what, long delayMs, string error);

    [LoggerMessage(EventId = 14001, Level = LogLevel.Information, Message = "connect: roots for {Service} updated: trust domain {TrustDomain}, active root {ActiveRootId}, {Count} root(s)")]
    public static partial void RootsUpdated(ILogger logger, string service, string trustDomain, string activeRootId, int count);

    [LoggerMessage(EventId = 14002, Level = LogLevel.Information, Message = "connect: leaf for {Service} updated: serial {Serial}, valid before {ValidBefore:o}")]
    public static partial void LeafUpdated(ILogger logger, string service, string serial, DateTimeOffset validBefore);

    [LoggerMessage(EventId = 14003, Level = LogLevel.Warning, Message = "connect: rejected peer certificate on {Side} side: {Reason}")]
    public static partial void PeerRejected(ILogger logger, string side, string reason);

    [LoggerMessage(EventId = 14004, Level = LogLevel.Warning, Message = "connect: authorize {Client} -> {Target} denied: {Reason}")]
    public static partial void AuthorizeDenied(ILogger logger, string client, string target, string reason);

    [LoggerMessage(EventId = 14005, Level = LogLevel.Debug, Message = "connect: intentions for {Target} changed (index {Index}); authorize cache cleared")]
    public static partial void AuthorizeCacheCleared(ILogger logger, string target, long index);

    [LoggerMessage(EventId = 14006, Level = LogLevel.Debug, Message = "connect: {Service} now has {Count} healthy instance(s) (index {Index})")]
    public static partial void InstancesUpdated(ILogger logger, string service, int count, long index);

    [LoggerMessage(EventId = 14007, Level = LogLevel.Warning, Message = "connect: authorize call for {Client} -> {Target} failed (connection refused): {Error}")]
    public static partial void AuthorizeCallFailed(ILogger logger, string client, string target, string error);

    [LoggerMessage(EventId = 14008, Level = LogLevel.Warning, Message = "connect: the leaf for {Service} is unusable: {Error}")]
    public static partial void LeafUnusable(ILogger logger, string service, string error);
}
