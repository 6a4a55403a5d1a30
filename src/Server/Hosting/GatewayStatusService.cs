using Mesh.Config.ConfigEntries;
using Mesh.Fsm.Commands;
using Mesh.Fsm.State;
using Mesh.Raft;
using Mesh.Server.Access;
using Microsoft.Extensions.Logging;

namespace Mesh.Server.Hosting;

/// <summary>
/// The leader's gateway controller (Consul's <c>APIGatewayController</c>, status part): whenever an api-gateway,
/// route or inline-certificate changes, it computes each api-gateway's and route's conditions
/// (<see cref="GatewayStatusRules"/>) and writes the ones that differ back into the entry, compare-and-set on the
/// entry's ModifyIndex so a user's write in between is never overwritten (the next round recomputes). A user's write
/// clears Status (it is the controller's); the controller fills it again. Followers only wait.
/// </summary>
internal sealed partial class GatewayStatusService(ServerRuntime runtime, ILogger<GatewayStatusService> logger) : ServerLoop(logger)
{
    private static readonly string[] Watched =
    [
        WatchKeys.ConfigKind(ApiGatewayKind.KindName),
        WatchKeys.ConfigKind(HttpRouteKind.KindName),
        WatchKeys.ConfigKind(TcpRouteKind.KindName),
        WatchKeys.ConfigKind(InlineCertificateKind.KindName),
    ];

    protected override string Name => "gateway status";

    protected override async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var changed = runtime.Fsm.Watches.Capture(Watched);
            var retry = false;
            if (runtime.Raft.IsLeader)
            {
                try
                {
                    retry = await ReconcileAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (Exception error) when (error is NotLeaderException or NoLeaderException or LeaderUnreachableException or TimeoutException)
                {
                    retry = true;
                }
            }

            // Leadership is polled: a new leader catches up within a couple of seconds of winning.
            await changed.WaitAsync(retry ? TimeSpan.FromMilliseconds(500) : TimeSpan.FromSeconds(2), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>One round; true when a write was refused (a concurrent change) and the round should be retried soon.</summary>
    private async Task<bool> ReconcileAsync(CancellationToken cancellationToken)
    {
        var refused = false;
        var now = runtime.Clock.GetUtcNow();
        foreach (var update in GatewayStatusRules.Compute(runtime.Fsm.Current))
        {
            if (GatewayStatusRules.Matches(update.Current, update.Desired))
            {
                continue;
            }

            var entry = GatewayStatusRules.WithStatus(update.Stored, GatewayStatusRules.Stamp(update.Current, update.Desired, now));
            var command = new UpsertConfigEntryCommand { Entry = entry, CasIndex = update.Stored.ModifyIndex };
            var result = await runtime.Commands.SubmitAsync(command, RequestToken.Server, cancellationToken).ConfigureAwait(false);
            if (!result.Succeeded)
            {
                Log.StatusRefused(logger, update.Stored.Kind, update.Stored.Name, result.Error ?? "refused");
                refused = true;
            }
        }

        return refused;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4660, Level = LogLevel.Debug, Message = "Writing the status of {Kind}/{Name} was refused: {Reason}")]
        public static partial void StatusRefused(ILogger logger, string kind, string name, string reason);
    }
}
