using Mesh.Agent.Cli;

return await CommandLine.RunAsync(args, CliConsole.Standard, CancellationToken.None).ConfigureAwait(false);
