using Mesh.Ca.Roots;
using Mesh.Fsm.Commands;
using Microsoft.Extensions.Logging;

namespace Mesh.Ca.Leader;

/// <summary>
/// The leader's CA duties (Consul's <c>CAManager</c> on the primary): initialize the CA the first time a leader finds
/// none (cluster ID, trust domain, root), and prune roots rotated out more than twice the leaf TTL ago. Runs on every
/// server and acts only while it leads; every change is a compare-and-set command, so two leaders cannot both win.
/// </summary>
public sealed partial class CaLeaderLoop(ICaHost host)
{
    private readonly ILogger _logger = host.LoggerFactory.CreateLogger<CaLeaderLoop>();

    /// <summary>How often the leader looks for work once the CA exists (pruning is decided from the stored times).</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(1);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (host.IsLeader)
                {
                    await TickAsync(cancellationToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception error) when (error is not OperationCanceledException)
            {
                // Lost leadership mid-write, a slow election: the next tick tries again.
                Log.TickFailed(_logger, error.Message);
            }

            var delay = host.Fsm.Current.Ca is null ? TimeSpan.FromMilliseconds(50) : Interval;
            try
            {
                await Task.Delay(delay, host.Clock, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task TickAsync(CancellationToken cancellationToken)
    {
        var ca = host.Fsm.Current.Ca;
        var now = host.Clock.GetUtcNow();
        if (ca is null)
        {
            var initial = CaStatePlanner.Initial(host.InitialConfig, now);
            var result = await host.ProposeAsync(new CaSetStateCommand { State = initial, ExpectedModifyIndex = 0 }, cancellationToken).ConfigureAwait(false);
            if (result.Succeeded)
            {
                Log.Initialized(_logger, initial.TrustDomain, initial.Roots[0].Id, initial.Roots[0].PrivateKeyType, initial.Roots[0].PrivateKeyBits);
            }

            return;
        }

        if (CaStatePlanner.Prune(ca, now) is { } pruned)
        {
            var result = await host.ProposeAsync(new CaSetStateCommand { State = pruned, ExpectedModifyIndex = ca.ModifyIndex }, cancellationToken).ConfigureAwait(false);
            if (result.Succeeded)
            {
                Log.Pruned(_logger, ca.Roots.Count - pruned.Roots.Count);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 7001, Level = LogLevel.Information, Message = "Connect CA initialized: trust domain {TrustDomain}, root {RootId} ({KeyType} {KeyBits})")]
        public static partial void Initialized(ILogger logger, string trustDomain, string rootId, string keyType, int keyBits);

        [LoggerMessage(EventId = 7002, Level = LogLevel.Information, Message = "Pruned {Count} CA root(s) rotated out more than twice the leaf TTL ago")]
        public static partial void Pruned(ILogger logger, int count);

        [LoggerMessage(EventId = 7003, Level = LogLevel.Warning, Message = "CA leader work failed, retrying: {Error}")]
        public static partial void TickFailed(ILogger logger, string error);
    }
}
