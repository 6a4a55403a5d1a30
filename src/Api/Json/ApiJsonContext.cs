using System.Text.Json;
using System.Text.Json.Serialization;
using Mesh.Api.Contracts;
using Mesh.Fsm.Model;

namespace Mesh.Api.Json;

/// <summary>
/// Source-generated JSON for the HTTP API: PascalCase names as declared, case-insensitive input (Consul decodes
/// case-insensitively), and no reflection at run time.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNameCaseInsensitive = true,
    ReadCommentHandling = JsonCommentHandling.Disallow,
    AllowTrailingCommas = false,
    MaxDepth = 64)]
[JsonSerializable(typeof(bool))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(RegisterRequestBody))]
[JsonSerializable(typeof(DeregisterBody))]
[JsonSerializable(typeof(ServiceDefinitionBody))]
[JsonSerializable(typeof(CheckBody))]
[JsonSerializable(typeof(CheckUpdateBody))]
[JsonSerializable(typeof(IReadOnlyList<Node>))]
[JsonSerializable(typeof(IReadOnlyList<ServiceNodeView>))]
[JsonSerializable(typeof(IReadOnlyList<CheckServiceNodeView>))]
[JsonSerializable(typeof(IReadOnlyList<GatewayServiceView>))]
[JsonSerializable(typeof(IReadOnlyList<HealthCheck>))]
[JsonSerializable(typeof(IReadOnlyDictionary<string, IReadOnlyList<string>>))]
[JsonSerializable(typeof(IReadOnlyDictionary<string, AgentServiceView>))]
[JsonSerializable(typeof(IReadOnlyDictionary<string, HealthCheck>))]
[JsonSerializable(typeof(AgentServiceView))]
[JsonSerializable(typeof(NodeServicesView))]
[JsonSerializable(typeof(NodeServiceListView))]
[JsonSerializable(typeof(AgentSelfView))]
[JsonSerializable(typeof(RaftConfigurationView))]
[JsonSerializable(typeof(AutopilotHealthView))]
[JsonSerializable(typeof(IReadOnlyList<AgentMemberView>))]
[JsonSerializable(typeof(StateDigestView))]
[JsonSerializable(typeof(IReadOnlyList<UiServiceSummaryView>))]
[JsonSerializable(typeof(UiServiceTopologyView))]
public sealed partial class ApiJsonContext : JsonSerializerContext;
