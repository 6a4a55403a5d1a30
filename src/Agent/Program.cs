using Mesh.Agent.Cli;
using Mesh.Server.Hosting;

var startup = new StartupTimeline("main entered");
return await CommandLine.RunAsync(args, CliConsole.Standard with { Startup = startup }, CancellationToken.None).ConfigureAwait(false);
