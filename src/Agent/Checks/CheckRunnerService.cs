using Mesh.Server;
using Mesh.Server.Hosting;
using Microsoft.Extensions.Logging;

namespace Mesh.Agent.Checks;

/// <summary>Runs this server's own HTTP, TCP, script and alias checks as one of its hosted services.</summary>
internal sealed class CheckRunnerService(ServerRuntime runtime, CheckRunnerOptions options, ILogger<CheckRunner> runnerLogger, ILogger<CheckRunnerService> logger) : ServerLoop(logger)
{
    protected override string Name => "check runner";

    protected override Task RunAsync(CancellationToken cancellationToken) => new CheckRunner(runtime, runnerLogger, options).RunAsync(cancellationToken);
}
