namespace Mesh.FaultTest.Cluster;

/// <summary>Where the servers of a run listen and how they are cut apart: loopback ports, or network namespaces.</summary>
public abstract class ClusterNetwork : IAsyncDisposable
{
    public abstract string Name { get; }

    /// <summary>True when <see cref="PartitionAsync"/> can cut servers apart (namespaces only).</summary>
    public abstract bool CanPartition { get; }

    public abstract Task SetupAsync(int servers);

    public abstract string BindAddress(int server);

    public abstract int ServerPort(int server);

    public abstract int HttpPort(int server);

    public abstract int GrpcPort(int server);

    /// <summary>The command that runs <c>dotnet mesh.dll</c> for this server (inside its namespace, if any).</summary>
    public abstract IReadOnlyList<string> Launcher(int server, string meshDll);

    /// <summary>Cuts these servers off from every other server (the harness still reaches all of them).</summary>
    public abstract Task PartitionAsync(IReadOnlyCollection<int> isolated, int servers);

    public abstract Task HealAsync();

    public abstract ValueTask DisposeAsync();
}
