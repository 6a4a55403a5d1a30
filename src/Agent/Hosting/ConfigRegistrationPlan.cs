using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Mesh.Api.Contracts;
using Mesh.Api.Http;
using Mesh.Api.Json;
using Mesh.Api.Translation;
using Mesh.Fsm.Commands;
using Mesh.Fsm.Model;
using Mesh.Fsm.State;
using Mesh.Server;

namespace Mesh.Agent.Hosting;

/// <summary>
/// The registrations the config files' <c>service</c>, <c>services</c>, <c>check</c> and <c>checks</c> stand for, built
/// as the agent API builds them (sidecars, default check IDs, validation), with Consul's script-check rule for local
/// definitions: allowed with <c>enable_script_checks</c> or <c>enable_local_script_checks</c>. A service's
/// <c>token</c> is kept (by service ID, its sidecar's too) for registering it with ACLs on, as Consul's agent does.
/// </summary>
internal sealed record ConfigRegistrationPlan(IReadOnlyList<Command> Commands, IReadOnlySet<string> ServiceIds, IReadOnlySet<string> CheckIds)
{
    /// <summary>The <c>token</c> of each service definition that has one, by service ID (a sidecar has its parent's).</summary>
    public IReadOnlyDictionary<string, string> ServiceTokens { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    public static ConfigRegistrationPlan Build(AgentConfig config, AgentIdentity self, StoreState state)
    {
        var commands = new List<Command>();
        var serviceIds = new HashSet<string>(StringComparer.Ordinal);
        var checks = new List<HealthCheck>();
        var tokens = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var json in config.Services)
        {
            var body = Parse(json, ApiJsonContext.Default.ServiceDefinitionBody, "service");
            var batch = Translate(() => AgentRegistration.ToCommand(body, self, state, replaceExistingChecks: false), $"service \"{body.Name}\"");
            foreach (var register in batch.Commands.OfType<RegisterCommand>())
            {
                if (!serviceIds.Add(register.Service!.Id))
                {
                    throw new ConfigRegistrationException($"service \"{register.Service.Id}\" is defined twice in the config files");
                }

                commands.Add(register);
                checks.AddRange(register.Checks);
                if (!string.IsNullOrEmpty(body.Token))
                {
                    tokens[register.Service.Id] = body.Token;
                }
            }
        }

        foreach (var json in config.Checks)
        {
            var body = Parse(json, ApiJsonContext.Default.CheckBody, "check");
            if (string.IsNullOrEmpty(body.Name))
            {
                throw new ConfigRegistrationException("check: missing name");
            }

            var serviceId = body.ServiceId ?? string.Empty;
            if (serviceId.Length > 0 && !serviceIds.Contains(serviceId) && state.FindService(self.NodeName, serviceId) is null)
            {
                throw new ConfigRegistrationException($"check \"{body.Name}\": ServiceID \"{serviceId}\" does not exist");
            }

            var check = Translate(() => CheckTranslation.FromAgent(body, self.NodeName, body.Name, body.Name, serviceId), $"check \"{body.Name}\"");
            checks.Add(check);
            commands.Add(new RegisterCommand
            {
                Node = self.NodeName,
                NodeId = self.NodeId,
                Address = self.AdvertiseAddress,
                Datacenter = self.Datacenter,
                Checks = [check],
                SkipNodeUpdate = true,
            });
        }

        if (checks.GroupBy(c => c.CheckId, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } duplicate)
        {
            throw new ConfigRegistrationException($"check \"{duplicate.Key}\" is defined twice in the config files");
        }

        if (ScriptCheckGate.LocalRefusal(checks, config.EnableScriptChecks, config.EnableLocalScriptChecks) is { } refusal)
        {
            throw new ConfigRegistrationException(refusal);
        }

        return new ConfigRegistrationPlan(commands, serviceIds, checks.Select(c => c.CheckId).ToHashSet(StringComparer.Ordinal)) { ServiceTokens = tokens };
    }

    /// <summary>Checks the definitions of a configuration before the agent starts or reloads with it.</summary>
    public static void Validate(AgentConfig config)
    {
        if (config.Services.Count == 0 && config.Checks.Count == 0)
        {
            return;
        }

        var self = new AgentIdentity
        {
            NodeName = config.NodeName,
            NodeId = config.NodeId ?? Guid.Empty.ToString(),
            Datacenter = config.Datacenter,
            AdvertiseAddress = config.BindAddress,
            ServerEndPoint = new IPEndPoint(IPAddress.Loopback, config.ServerPort is > 0 and <= 65535 ? config.ServerPort : 8300),
        };
        Build(config, self, StoreState.Empty);
    }

    private static T Parse<T>(string json, JsonTypeInfo<T> type, string what)
    {
        try
        {
            return JsonSerializer.Deserialize(json, type) ?? throw new ConfigRegistrationException($"{what}: the definition is empty");
        }
        catch (JsonException error)
        {
            throw new ConfigRegistrationException($"{what}: {error.Message}", error);
        }
    }

    private static T Translate<T>(Func<T> translate, string what)
    {
        try
        {
            return translate();
        }
        catch (ApiException error)
        {
            throw new ConfigRegistrationException($"{what}: {error.Message}", error);
        }
    }
}
