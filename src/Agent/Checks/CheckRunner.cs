using Mesh.Fsm.Commands;
using Mesh.Fsm.Model;
using Mesh.Fsm.State;
using Mesh.Raft;
using Mesh.Server;
using Microsoft.Extensions.Logging;

namespace Mesh.Agent.Checks;

/// <summary>
/// Runs the HTTP, TCP and alias checks of this server's own catalog node, as a Consul agent runs the checks registered
/// through its agent API (Mesh has no client agents, so each server is the agent of its node). It rescans the node's
/// checks whenever the node changes in the store, starting, restarting and stopping check loops to match, and
/// deregisters services whose check stayed critical past DeregisterCriticalServiceAfter. It only reads published store
/// versions and waits on watch signals, so it never holds up the apply thread.
/// </summary>
public sealed class CheckRunner(ServerRuntime runtime, ILogger<CheckRunner> logger, CheckRunnerOptions? options = null)
{
    private readonly CheckRunnerOptions _options = options ?? CheckRunnerOptions.Default;
    private readonly Dictionary<string, RunningCheck> _running = new(StringComparer.Ordinal);
    private readonly List<RunningCheck> _retiring = [];
    private readonly CriticalServiceReaper _reaper = new();

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var self = runtime.Self.NodeName;
        using var loops = new CheckLoops(runtime, _options, logger);
        CheckLog.Started(logger, self);
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var changed = runtime.Fsm.Watches.Capture([WatchKeys.Node(self)]);
                var state = runtime.Fsm.Current;
                Reconcile(state, loops, cancellationToken);
                await ReapAsync(state, cancellationToken).ConfigureAwait(false);
                _retiring.RemoveAll(r => r.Task.IsCompleted);
                await changed.WaitAsync(_options.ReapInterval, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            await Task.WhenAll(_running.Values.Concat(_retiring).Select(r => r.StopAsync())).ConfigureAwait(false);
            _running.Clear();
            _retiring.Clear();
            CheckLog.Stopped(logger);
        }
    }

    /// <summary>Makes the running loops match the node's runnable checks.</summary>
    private void Reconcile(StoreState state, CheckLoops loops, CancellationToken cancellationToken)
    {
        var present = new HashSet<string>(StringComparer.Ordinal);
        foreach (var check in state.ChecksOnNode(runtime.Self.NodeName))
        {
            if (!CheckSpec.IsRunnable(check))
            {
                continue;
            }

            present.Add(check.CheckId);
            var spec = CheckSpec.Of(check);
            if (_running.TryGetValue(check.CheckId, out var running))
            {
                if (running.Spec == spec && !running.Task.IsCompleted)
                {
                    continue;
                }

                Retire(running);
            }

            if (loops.For(check) is { } loop)
            {
                _running[check.CheckId] = RunningCheck.Start(check.CheckId, spec, loop, logger, cancellationToken);
            }
        }

        foreach (var gone in _running.Values.Where(r => !present.Contains(r.CheckId)).ToList())
        {
            Retire(gone);
        }
    }

    private void Retire(RunningCheck running)
    {
        _running.Remove(running.CheckId);
        _retiring.Add(running);
        _ = running.StopAsync();
    }

    /// <summary>Deregisters services whose check has been critical for longer than its DeregisterCriticalServiceAfter.</summary>
    private async Task ReapAsync(StoreState state, CancellationToken cancellationToken)
    {
        var self = runtime.Self.NodeName;
        foreach (var (serviceId, checkId) in _reaper.Due(state, self, runtime.Clock.GetUtcNow()))
        {
            // A sidecar registered with the service goes with it, as when the service is deregistered through the API.
            var commands = new List<Command> { new DeregisterCommand { Node = self, ServiceId = serviceId } };
            var sidecarId = $"{serviceId}-sidecar-proxy";
            if (state.FindService(self, sidecarId) is { Kind: ServiceKind.ConnectProxy } sidecar && sidecar.Proxy.DestinationServiceID == serviceId)
            {
                commands.Add(new DeregisterCommand { Node = self, ServiceId = sidecarId });
            }

            try
            {
                var result = await runtime.Commands.SubmitAsync(new BatchCommand { Commands = commands }, runtime.AgentToken, cancellationToken).ConfigureAwait(false);
                if (result.Succeeded)
                {
                    CheckLog.Reaped(logger, checkId, serviceId);
                }
                else
                {
                    CheckLog.ReapFailed(logger, serviceId, result.Error!);
                }
            }
            catch (Exception error) when (error is NoLeaderException or NotLeaderException or LeaderUnreachableException)
            {
                CheckLog.ReapFailed(logger, serviceId, error.Message); // Tried again on the next tick.
            }
        }
    }
}
