namespace Mesh.Agent.Cli;

/// <summary>Dispatches <c>mesh &lt;command&gt; [subcommand] [flags]</c> and maps failures to exit codes (0 ok, 1 error).</summary>
public static class CommandLine
{
    public static IReadOnlyList<ICliCommand> Commands { get; } =
    [
        new AgentCommand(),
        new CatalogServicesCommand(),
        new CatalogNodesCommand(),
        new ServicesRegisterCommand(),
        new ServicesDeregisterCommand(),
        new MembersCommand(),
        new JoinCommand(),
        new LeaveCommand(),
        new ForceLeaveCommand(),
        new ReloadCommand(),
        new InfoCommand(),
        new MonitorCommand(),
        new CatalogDatacentersCommand(),
        new RaftListPeersCommand(),
        new RaftRemovePeerCommand(),
        new RaftTransferLeaderCommand(),
        new AutopilotGetConfigCommand(),
        new AutopilotSetConfigCommand(),
        new AutopilotStateCommand(),
        new SnapshotSaveCommand(),
        new SnapshotRestoreCommand(),
        new SnapshotInspectCommand(),
        new ConfigWriteCommand(),
        new ConfigReadCommand(),
        new ConfigListCommand(),
        new ConfigDeleteCommand(),
        new IntentionCreateCommand(),
        new IntentionDeleteCommand(),
        new IntentionCheckCommand(),
        new IntentionGetCommand(),
        new IntentionListCommand(),
        new Acl.AclBootstrapCommand(),
        new Acl.AclTokenCreateCommand(),
        new Acl.AclTokenReadCommand(),
        new Acl.AclTokenUpdateCommand(),
        new Acl.AclTokenCloneCommand(),
        new Acl.AclTokenDeleteCommand(),
        new Acl.AclTokenListCommand(),
        new Acl.AclPolicyCreateCommand(),
        new Acl.AclPolicyReadCommand(),
        new Acl.AclPolicyUpdateCommand(),
        new Acl.AclPolicyDeleteCommand(),
        new Acl.AclPolicyListCommand(),
        new Acl.AclRoleCreateCommand(),
        new Acl.AclRoleReadCommand(),
        new Acl.AclRoleUpdateCommand(),
        new Acl.AclRoleDeleteCommand(),
        new Acl.AclRoleListCommand(),
        new Acl.AclSetAgentTokenCommand(),
        new ConnectEnvoyCommand(),
        new ConnectProxyCommand(),
        new DataplaneCommand(),
        new Tls.TlsCaCreateCommand(),
        new Tls.TlsCertCreateCommand(),
        new MaintCommand(),
        new VersionCommand(),
    ];

    public static async Task<int> RunAsync(IReadOnlyList<string> args, CliConsole console, CancellationToken cancellationToken)
    {
        if (args.Count == 0 || args[0] is "-h" or "-help" or "--help" or "help")
        {
            await console.Out.WriteAsync(Help(string.Empty)).ConfigureAwait(false);
            return args.Count == 0 ? 1 : 0;
        }

        if (args[0] is "-v" or "-version" or "--version")
        {
            args = ["version"];
        }

        // Longest match of command words: "catalog services" before "catalog".
        var command = Commands
            .Select(c => (Command: c, Words: c.Name.Split(' ')))
            .Where(c => c.Words.Length <= args.Count && c.Words.SequenceEqual(args.Take(c.Words.Length)))
            .OrderByDescending(c => c.Words.Length)
            .FirstOrDefault();
        if (command.Command is null)
        {
            var prefix = args[0];
            if (Commands.Any(c => c.Name.StartsWith(prefix + " ", StringComparison.Ordinal)))
            {
                await console.Error.WriteAsync(Help(prefix)).ConfigureAwait(false);
                return 1;
            }

            await console.Error.WriteLineAsync($"Unknown command: \"{prefix}\". Run \"mesh -help\" for the list.").ConfigureAwait(false);
            return 1;
        }

        try
        {
            return await command.Command.RunAsync([.. args.Skip(command.Words.Length)], console, cancellationToken).ConfigureAwait(false);
        }
        catch (HelpRequestedException help)
        {
            await console.Out.WriteAsync(help.Message).ConfigureAwait(false);
            return 0;
        }
        catch (UsageException usage)
        {
            await console.Error.WriteLineAsync($"Error: {usage.Message}\nRun \"mesh {command.Command.Name} -help\" for usage.").ConfigureAwait(false);
            return 1;
        }
        catch (CliException failure)
        {
            await console.Error.WriteLineAsync($"Error: {failure.Message}").ConfigureAwait(false);
            return 1;
        }
    }

    private static string Help(string prefix)
    {
        var lines = Commands
            .Where(c => prefix.Length == 0 || c.Name.StartsWith(prefix + " ", StringComparison.Ordinal))
            .Select(c => $"    {c.Name,-28}{c.Synopsis}");
        return $"Usage: mesh {(prefix.Length == 0 ? "<command>" : prefix + " <subcommand>")} [options] [args]\n\nAvailable commands are:\n{string.Join('\n', lines)}\n";
    }
}
