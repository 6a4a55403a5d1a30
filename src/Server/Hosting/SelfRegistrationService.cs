using Mesh.Fsm.Commands;
using Mesh.Fsm.Model;
using Mesh.Raft;
using Mesh.Server.Access;
using Mesh.Server.Cluster;
using Microsoft.Extensions.Logging;

namespace Mesh.Server.Hosting;

/// <summary>Keeps this server's node in the catalog with a passing serfHealth check, as a Consul agent's node has.</summary>
internal sealed class SelfRegistrationService(AgentIdentity self, CommandPipeline commands, ILogger<SelfRegistrationService> logger) : ServerLoop(logger)
{
    protected override string Name => "self-registration";

    protected override async Task RunAsync(CancellationToken cancellationToken)
    {
        var command = new RegisterCommand
        {
            Node = self.NodeName,
            NodeId = self.NodeId,
            Address = self.AdvertiseAddress,
            Datacenter = self.Datacenter,
            TaggedAddresses = EmptyMap.Sorted<string>(new Dictionary<string, string> { ["lan"] = self.AdvertiseAddress, ["lan_ipv4"] = self.AdvertiseAddress, ["wan"] = self.AdvertiseWanAddress, ["wan_ipv4"] = self.AdvertiseWanAddress }),
            NodeMeta = EmptyMap.Sorted<string>(new Dictionary<string, string>
            {
                ["consul-network-segment"] = string.Empty,
                ["mesh-server"] = "true",
                ["mesh-server-addr"] = ServerAddress.Format(self.ServerEndPoint),
            }),
            Checks =
            [
                new HealthCheck
                {
                    Node = self.NodeName,
                    CheckId = "serfHealth",
                    Name = "Serf Health Status",
                    Status = HealthStatus.Passing,
                    Output = "Agent alive and reachable",
                },
            ],
        };
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await commands.SubmitAsync(command, RequestToken.Server, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception error) when (error is NoLeaderException or NotLeaderException)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
