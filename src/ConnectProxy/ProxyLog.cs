using Microsoft.Extensions.Logging;

namespace Mesh.ConnectProxy;

/// <summary>Log lines of the built-in proxy (event ids 14100-14199).</summary>
internal static partial class ProxyLog
{
    [LoggerMessage(EventId = 14100, Level = LogLevel.Information, Message = "Proxy for {Service} listening: {Listener} on {EndPoint}")]
    public static partial void Listening(ILogger logger, string service, string listener, string endPoint);

    [LoggerMessage(EventId = 14101, Level = LogLevel.Information, Message = "TLS Identity: {Identity}; roots: {Roots}")]
    public static partial void Identity(ILogger logger, string identity, string roots);

    [LoggerMessage(EventId = 14102, Level = LogLevel.Warning, Message = "{Listener}: connection from {Remote} refused: {Reason}")]
    public static partial void Refused(ILogger logger, string listener, string remote, string reason);

    [LoggerMessage(EventId = 14103, Level = LogLevel.Debug, Message = "{Listener}: connection from {Remote} closed after {In} bytes in, {Out} bytes out")]
    public static partial void Closed(ILogger logger, string listener, string remote, long @in, long @out);

    [LoggerMessage(EventId = 14104, Level = LogLevel.Information, Message = "Proxy configuration changed: {Change}")]
    public static partial void ConfigChanged(ILogger logger, string change);

    [LoggerMessage(EventId = 14105, Level = LogLevel.Warning, Message = "Proxy configuration: {Warning}")]
    public static partial void ConfigWarning(ILogger logger, string warning);

    [LoggerMessage(EventId = 14106, Level = LogLevel.Warning, Message = "Reading the proxy registration failed, retrying: {Error}")]
    public static partial void ConfigReadFailed(ILogger logger, string error);

    [LoggerMessage(EventId = 14107, Level = LogLevel.Error, Message = "{Listener}: cannot listen on {EndPoint}: {Error}")]
    public static partial void ListenFailed(ILogger logger, string listener, string endPoint, string error);

    [LoggerMessage(EventId = 14108, Level = LogLevel.Information, Message = "{Listener}: connection from {Remote} closed: idle for {IdleMs} ms")]
    public static partial void IdleClosed(ILogger logger, string listener, string remote, long idleMs);

    [LoggerMessage(EventId = 14109, Level = LogLevel.Information, Message = "Registered {ProxyId} (heartbeat TTL check {CheckId})")]
    public static partial void Registered(ILogger logger, string proxyId, string checkId);

    [LoggerMessage(EventId = 14110, Level = LogLevel.Warning, Message = "Registration of {ProxyId}: {Error}")]
    public static partial void RegistrationFailed(ILogger logger, string proxyId, string error);

    [LoggerMessage(EventId = 14112, Level = LogLevel.Debug, Message = "public: connection from {Remote} closed before any byte (a TCP health check?)")]
    public static partial void ClosedBeforeHandshake(ILogger logger, string remote);

    [LoggerMessage(EventId = 14111, Level = LogLevel.Information, Message = "Metrics (Prometheus text) on http://{EndPoint}/metrics")]
    public static partial void MetricsListening(ILogger logger, string endPoint);
}
