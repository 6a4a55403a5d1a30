using Mesh.Fsm.State;
using Mesh.Raft;
using Mesh.Server;
using Mesh.Server.Hosting;
using Microsoft.Extensions.Logging;

namespace Mesh.Agent.Hosting;

/// <summary>At start: once the leader has registered this server's node, registers the config files' services and checks.</summary>
internal sealed class ConfigRegistrationLoop(ServerRuntime runtime, ConfigFileRegistrations registrations, ILogger<ConfigRegistrationLoop> logger) : ServerLoop(logger)
{
    protected override string Name => "config file registrations";

    protected override async Task RunAsync(CancellationToken cancellationToken)
    {
        if (registrations.Idle)
        {
            return; // Nothing configured and nothing to clean up: no writes.
        }

        var self = runtime.Self.NodeName;
        while (true)
        {
            var changed = runtime.Fsm.Watches.Capture([WatchKeys.Node(self)]);
            if (runtime.Fsm.Current.FindCheck(self, "serfHealth") is not null)
            {
                try
                {
                    await registrations.SyncAsync(registrations.Initial, cancellationToken).ConfigureAwait(false);
                    return;
                }
                catch (Exception error) when (error is NoLeaderException or NotLeaderException or LeaderUnreachableException)
                {
                    registrations.LogNoLeader();
                }
                catch (ConfigRegistrationException error)
                {
                    registrations.LogRefused(error.Message);
                    return;
                }
            }

            await changed.WaitAsync(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
        }
    }
}
