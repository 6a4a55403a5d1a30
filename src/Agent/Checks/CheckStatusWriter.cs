using Mesh.Fsm.Commands;
using Mesh.Fsm.Model;
using Mesh.Raft;
using Mesh.Server;
using Microsoft.Extensions.Logging;

namespace Mesh.Agent.Checks;

/// <summary>
/// Records a check result through Raft, but only when it differs from the stored status or output: a check that keeps
/// passing costs no log entries.
/// </summary>
internal sealed class CheckStatusWriter(ServerRuntime runtime, ILogger logger)
{
    /// <summary>Returns false when the result could not be recorded and should be retried later.</summary>
    public async Task<bool> WriteAsync(string checkId, CheckResult result, CancellationToken cancellationToken)
    {
        var node = runtime.Self.NodeName;
        if (runtime.Fsm.Current.FindCheck(node, checkId) is not { } stored)
        {
            return true; // Deregistered meanwhile; the runner stops this check on its next scan.
        }

        if (stored.Status == result.Status && stored.Output == result.Output)
        {
            return true;
        }

        var command = new UpdateCheckCommand { Node = node, CheckId = checkId, Status = result.Status, Output = result.Output };
        try
        {
            var applied = await runtime.Commands.SubmitAsync(command, runtime.AgentToken, cancellationToken).ConfigureAwait(false);
            if (!applied.Succeeded)
            {
                if (applied.ErrorKind == ApplyErrorKind.NotFound)
                {
                    return true;
                }

                CheckLog.WriteRefused(logger, checkId, applied.Error!);
                return false;
            }
        }
        catch (Exception error) when (error is NoLeaderException or NotLeaderException or LeaderUnreachableException)
        {
            CheckLog.NoLeader(logger, checkId);
            return false;
        }

        if (stored.Status != result.Status)
        {
            if (result.Status == HealthStatus.Passing)
            {
                CheckLog.NowHealthy(logger, checkId, result.Status);
            }
            else
            {
                CheckLog.NowFailing(logger, checkId, result.Status, result.Output);
            }
        }

        return true;
    }
}
