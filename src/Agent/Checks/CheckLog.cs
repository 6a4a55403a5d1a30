using Microsoft.Extensions.Logging;

namespace Mesh.Agent.Checks;

/// <summary>Log events of the check runner (EventIds 4100-4199).</summary>
internal static partial class CheckLog
{
    [LoggerMessage(EventId = 4100, Level = LogLevel.Information, Message = "Check runner started for node {Node}")]
    public static partial void Started(ILogger logger, string node);

    [LoggerMessage(EventId = 4101, Level = LogLevel.Debug, Message = "Running {Type} check {CheckId} every {Interval}")]
    public static partial void CheckStarted(ILogger logger, string type, string checkId, TimeSpan interval);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Debug, Message = "Stopped check {CheckId}")]
    public static partial void CheckStopped(ILogger logger, string checkId);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Information, Message = "Check {CheckId} is now {Status}")]
    public static partial void NowHealthy(ILogger logger, string checkId, string status);

    [LoggerMessage(EventId = 4104, Level = LogLevel.Warning, Message = "Check {CheckId} is now {Status}: {Output}")]
    public static partial void NowFailing(ILogger logger, string checkId, string status, string output);

    [LoggerMessage(EventId = 4105, Level = LogLevel.Debug, Message = "No leader to record the result of check {CheckId}; retrying")]
    public static partial void NoLeader(ILogger logger, string checkId);

    [LoggerMessage(EventId = 4106, Level = LogLevel.Warning, Message = "Could not record the result of check {CheckId}: {Error}")]
    public static partial void WriteRefused(ILogger logger, string checkId, string error);

    [LoggerMessage(EventId = 4107, Level = LogLevel.Warning, Message = "Could not record the result of check {CheckId}")]
    public static partial void WriteFailed(ILogger logger, string checkId, Exception error);

    [LoggerMessage(EventId = 4108, Level = LogLevel.Warning, Message = "Check {CheckId} has been critical for too long; deregistered service {ServiceId}")]
    public static partial void Reaped(ILogger logger, string checkId, string serviceId);

    [LoggerMessage(EventId = 4109, Level = LogLevel.Warning, Message = "Could not deregister critical service {ServiceId}: {Error}")]
    public static partial void ReapFailed(ILogger logger, string serviceId, string error);

    [LoggerMessage(EventId = 4110, Level = LogLevel.Error, Message = "Check {CheckId} stopped unexpectedly; it is restarted on the next scan")]
    public static partial void CheckCrashed(ILogger logger, string checkId, Exception error);

    [LoggerMessage(EventId = 4111, Level = LogLevel.Information, Message = "Check runner stopped")]
    public static partial void Stopped(ILogger logger);
}
