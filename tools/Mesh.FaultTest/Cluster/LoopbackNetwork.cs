namespace Mesh.FaultTest.Cluster;

/// <summary>Every server on 127.0.0.1 with its own free ports; partitions are not available.</summary>
public sealed class LoopbackNetwork : ClusterNetwork
{
    private readonly List<(int Server, int Http, int Grpc)> _ports = [];

    public override string Name => "loopback";

    public override bool CanPartition => false;

    public override Task SetupAsync(int servers)
    {
        for (var i = 0; i < servers; i++)
        {
            _ports.Add((FreePort.Next(), FreePort.Next(), FreePort.Next()));
        }

        return Task.CompletedTask;
    }

    public override string BindAddress(int server) => "127.0.0.1";

    public override int ServerPort(int server) => _ports[server].Server;

    public override int HttpPort(int server) => _ports[server].Http;

    public override int GrpcPort(int server) => _ports[server].Grpc;

    public override IReadOnlyList<string> Launcher(int server, string meshDll) => ["dotnet", meshDll];

    public override Task PartitionAsync(IReadOnlyCollection<int> isolated, int servers)
        => throw new NotSupportedException("partitions need network namespaces (run as root)");

    public override Task HealAsync() => Task.CompletedTask;

    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
