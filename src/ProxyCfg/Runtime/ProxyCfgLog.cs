using Microsoft.Extensions.Logging;

namespace Mesh.ProxyCfg;

/// <summary>proxycfg log messages (event IDs 6000-6099).</summary>
internal static partial class ProxyCfgLog
{
    [LoggerMessage(EventId = 6000, Level = LogLevel.Debug, Message = "proxycfg: watching proxy {ProxyId}")]
    public static partial void ProxyWatched(ILogger logger, ProxyId proxyId);

    [LoggerMessage(EventId = 6001, Level = LogLevel.Debug, Message = "proxycfg: stopped watching proxy {ProxyId}")]
    public static partial void ProxyReleased(ILogger logger, ProxyId proxyId);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Information, Message = "proxycfg: proxy {ProxyId} is no longer in the catalog")]
    public static partial void ProxyRemoved(ILogger logger, ProxyId proxyId);

    [LoggerMessage(EventId = 6003, Level = LogLevel.Debug, Message = "proxycfg: published snapshot for {ProxyId} at store index {Index}")]
    public static partial void SnapshotPublished(ILogger logger, ProxyId proxyId, long index);

    [LoggerMessage(EventId = 6004, Level = LogLevel.Warning, Message = "proxycfg: building the snapshot of {ProxyId} failed")]
    public static partial void BuildFailed(ILogger logger, ProxyId proxyId, Exception error);

    [LoggerMessage(EventId = 6005, Level = LogLevel.Warning, Message = "proxycfg: fetching the leaf certificate of {Service} for {ProxyId} failed; retrying")]
    public static partial void LeafFailed(ILogger logger, string service, ProxyId proxyId, Exception error);

    [LoggerMessage(EventId = 6006, Level = LogLevel.Debug, Message = "proxycfg: new leaf certificate {Serial} of {Service} for {ProxyId}")]
    public static partial void LeafArrived(ILogger logger, string serial, string service, ProxyId proxyId);

    [LoggerMessage(EventId = 6007, Level = LogLevel.Warning, Message = "proxycfg: the discovery chain of upstream {Upstream} of {ProxyId} does not compile ({Reason}); keeping its last valid chain")]
    public static partial void ChainKept(ILogger logger, UpstreamId upstream, ProxyId proxyId, string reason);

    [LoggerMessage(EventId = 6008, Level = LogLevel.Warning, Message = "proxycfg: the discovery chain of upstream {Upstream} of {ProxyId} does not compile ({Reason}) and it has no earlier valid chain; the upstream is left out")]
    public static partial void ChainMissing(ILogger logger, UpstreamId upstream, ProxyId proxyId, string reason);

    [LoggerMessage(EventId = 6009, Level = LogLevel.Debug, Message = "proxycfg: watching proxyless clients of {Key}")]
    public static partial void ProxylessWatched(ILogger logger, ProxylessKey key);

    [LoggerMessage(EventId = 6010, Level = LogLevel.Debug, Message = "proxycfg: stopped watching proxyless clients of {Key}")]
    public static partial void ProxylessReleased(ILogger logger, ProxylessKey key);

    [LoggerMessage(EventId = 6011, Level = LogLevel.Debug, Message = "proxycfg: published proxyless snapshot for {Key} at store index {Index}")]
    public static partial void ProxylessPublished(ILogger logger, ProxylessKey key, long index);

    [LoggerMessage(EventId = 6012, Level = LogLevel.Warning, Message = "proxycfg: building the proxyless snapshot of {Key} failed")]
    public static partial void ProxylessBuildFailed(ILogger logger, ProxylessKey key, Exception error);

    [LoggerMessage(EventId = 8754, Level = LogLevel.Warning, Message = "proxycfg: following {Service} in datacenter {Datacenter} for {Proxy} failed: {Reason}")]
    public static partial void RemoteTargetFailed(ILogger logger, string service, string datacenter, ProxyId proxy, string reason);

    [LoggerMessage(EventId = 8950, Level = LogLevel.Warning, Message = "proxycfg: following the mesh gateways of datacenter {Datacenter} for {Proxy} failed: {Reason}")]
    public static partial void RemoteGatewaysFailed(ILogger logger, string datacenter, ProxyId proxy, string reason);
}
