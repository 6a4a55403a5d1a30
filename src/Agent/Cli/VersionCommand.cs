using Mesh.Server;

namespace Mesh.Agent.Cli;

/// <summary><c>mesh version</c>.</summary>
public sealed class VersionCommand : ICliCommand
{
    public string Name => "version";

    public string Synopsis => "Prints the Mesh version";

    public async Task<int> RunAsync(IReadOnlyList<string> args, CliConsole console, CancellationToken cancellationToken)
    {
        CliArgs.NoPositional(new FlagSet(Name).Parse(args));
        await console.Out.WriteLineAsync(
            $"""
            Mesh v{MeshVersion.Current}
            Consul API compatibility: {MeshVersion.ConsulCompatible}
            Raft: DotNext.Net.Cluster 6.12.0 (protocol 1)
            Runtime: .NET {Environment.Version}
            """).ConfigureAwait(false);
        return 0;
    }
}
