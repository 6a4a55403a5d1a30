using Mesh.Agent.Cli;
using Mesh.Fsm.Commands;
using Mesh.Fsm.State;
using Mesh.Server;
using Mesh.Server.Access;
using Microsoft.Extensions.Logging;

namespace Mesh.Agent.Hosting;

/// <summary>
/// Keeps this server's node in step with the services and checks of its config files, at start and on every reload
/// (as Consul's agent does): new definitions are registered, changed ones re-registered (a check keeps its status),
/// and the ones a config file no longer defines are deregistered. Services and checks registered through the HTTP API
/// are never touched: the IDs the config files registered are remembered in the data folder.
/// </summary>
public sealed partial class ConfigFileRegistrations(ServerRuntime runtime, AgentConfig initial, string statePath, ILogger<ConfigFileRegistrations> logger)
{
    public const string FileName = "config-registrations";

    public AgentConfig Initial => initial;

    /// <summary>True when there is nothing to do: no definitions and none registered before.</summary>
    public bool Idle => initial.Services.Count == 0 && initial.Checks.Count == 0 && !File.Exists(statePath);

    /// <summary>Throws a <see cref="UsageException"/> for definitions that cannot be registered.</summary>
    public static void Validate(AgentConfig config)
    {
        try
        {
            ConfigRegistrationPlan.Validate(config);
        }
        catch (ConfigRegistrationException error)
        {
            throw new UsageException($"Error in config: {error.Message}");
        }
    }

    /// <summary>Registers and deregisters so that the node matches <paramref name="config"/>; throws when a definition is bad.</summary>
    public async Task<(int Services, int Checks, int Removed)> SyncAsync(AgentConfig config, CancellationToken cancellationToken)
    {
        await runtime.AgentRegistrationLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var node = runtime.Self.NodeName;
            var state = runtime.Fsm.Current;
            var plan = ConfigRegistrationPlan.Build(config, runtime.Self, state);
            var (ownedServices, ownedChecks) = Load();
            var commands = new List<Command>();
            var goneServices = ownedServices.Where(id => !plan.ServiceIds.Contains(id) && state.FindService(node, id) is not null).ToHashSet(StringComparer.Ordinal);
            commands.AddRange(goneServices.Select(id => new DeregisterCommand { Node = node, ServiceId = id }));
            var goneChecks = ownedChecks.Where(id => !plan.CheckIds.Contains(id) && state.FindCheck(node, id) is { } check && !goneServices.Contains(check.ServiceId)).ToList();
            commands.AddRange(goneChecks.Select(id => new DeregisterCommand { Node = node, CheckId = id }));
            var services = new List<(RegisterCommand Command, RequestToken Token)>();
            var checks = new List<Command>();
            foreach (var command in plan.Commands.Select(c => KeepStatus(c, state, node)))
            {
                if (command is RegisterCommand { Service: { } service } register)
                {
                    services.Add((register, ServiceToken(plan, service.Id)));
                }
                else
                {
                    checks.Add(command);
                }
            }

            // Removals first, then each service with its token, then the standalone checks (which may name those services).
            if (commands.Count > 0)
            {
                await SubmitAsync(new BatchCommand { Commands = commands }, runtime.AgentToken, cancellationToken).ConfigureAwait(false);
            }

            var refused = new HashSet<string>(StringComparer.Ordinal);
            foreach (var (register, token) in services)
            {
                // The service's own token (else acl.tokens.default) must allow the write, as it would over the HTTP
                // API; a refused service is left out and logged, the others and the agent go on.
                if (runtime.Access.CheckForwarded(token, register) is { } denied)
                {
                    refused.Add(register.Service!.Id);
                    Log.ServiceRefused(logger, register.Service.Id, register.Service.Service, denied);
                    continue;
                }

                await SubmitAsync(register, token, cancellationToken).ConfigureAwait(false);
            }

            // A standalone check of a refused service has no service to attach to: it waits for the service's token too.
            checks.RemoveAll(c => c is RegisterCommand r && r.Checks.Any(h => refused.Contains(h.ServiceId)));
            if (checks.Count > 0)
            {
                await SubmitAsync(new BatchCommand { Commands = checks }, runtime.AgentToken, cancellationToken).ConfigureAwait(false);
            }

            var serviceIds = plan.ServiceIds.Where(id => !refused.Contains(id)).ToHashSet(StringComparer.Ordinal);
            if (serviceIds.Count > 0 || plan.CheckIds.Count > 0 || File.Exists(statePath))
            {
                Save(serviceIds, plan.CheckIds);
            }

            var removed = goneServices.Count + goneChecks.Count;
            Log.Synced(logger, serviceIds.Count, plan.CheckIds.Count, removed);
            return (serviceIds.Count, plan.CheckIds.Count, removed);
        }
        finally
        {
            runtime.AgentRegistrationLock.Release();
        }
    }

    private async Task SubmitAsync(Command command, RequestToken token, CancellationToken cancellationToken)
    {
        var result = await runtime.Commands.SubmitAsync(command, token, cancellationToken).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            throw new ConfigRegistrationException(result.Error!);
        }
    }

    /// <summary>The definition's <c>token</c>, else <c>acl.tokens.default</c>, else anonymous (Consul's <c>serviceToken</c>).</summary>
    private RequestToken ServiceToken(ConfigRegistrationPlan plan, string serviceId)
        => RequestToken.FromSecret(plan.ServiceTokens.TryGetValue(serviceId, out var token) ? token : runtime.AgentTokens.Default);

    /// <summary>A re-registered check keeps the status and output its runs gave it.</summary>
    private static Command KeepStatus(Command command, StoreState state, string node)
        => command is RegisterCommand register
            ? register with { Checks = [.. register.Checks.Select(c => state.FindCheck(node, c.CheckId) is { } stored ? c with { Status = stored.Status, Output = stored.Output } : c)] }
            : command;

    private (IReadOnlyList<string> Services, IReadOnlyList<string> Checks) Load()
    {
        if (!File.Exists(statePath))
        {
            return ([], []);
        }

        var lines = File.ReadAllLines(statePath);
        return (Ids(lines, "service\t"), Ids(lines, "check\t"));

        static List<string> Ids(string[] lines, string prefix)
            => [.. lines.Where(l => l.StartsWith(prefix, StringComparison.Ordinal)).Select(l => l[prefix.Length..])];
    }

    private void Save(IReadOnlySet<string> services, IReadOnlySet<string> checks)
    {
        var temporary = statePath + ".tmp";
        File.WriteAllLines(temporary, services.Order(StringComparer.Ordinal).Select(id => "service\t" + id).Concat(checks.Order(StringComparer.Ordinal).Select(id => "check\t" + id)));
        File.Move(temporary, statePath, overwrite: true);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 8000, Level = LogLevel.Information, Message = "Synced services and checks from the config files: {Services} services, {Checks} checks, {Removed} removed")]
        public static partial void Synced(ILogger logger, int services, int checks, int removed);

        [LoggerMessage(EventId = 8001, Level = LogLevel.Error, Message = "Could not register the services and checks of the config files: {Error}")]
        public static partial void Refused(ILogger logger, string error);

        [LoggerMessage(EventId = 8650, Level = LogLevel.Error, Message = "Service {ServiceId} (\"{ServiceName}\") of the config files was not registered: {Reason}. Give its definition a \"token\" with service:write on it (or set acl.tokens.default)")]
        public static partial void ServiceRefused(ILogger logger, string serviceId, string serviceName, string reason);

        [LoggerMessage(EventId = 8002, Level = LogLevel.Debug, Message = "No leader yet to register the config files' services and checks; retrying")]
        public static partial void NoLeader(ILogger logger);
    }

    internal void LogRefused(string error) => Log.Refused(logger, error);

    internal void LogNoLeader() => Log.NoLeader(logger);
}
