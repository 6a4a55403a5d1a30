using System.Text.Json;
using System.Text.Json.Serialization;
using Mesh.Api.Contracts;

namespace Mesh.Api.Json;

/// <summary>
/// Source-generated JSON for the agent health, maintenance and operator (autopilot, transfer-leader, usage)
/// endpoints, with the options of <see cref="ApiJsonContext"/>.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNameCaseInsensitive = true,
    ReadCommentHandling = JsonCommentHandling.Disallow,
    AllowTrailingCommas = false,
    MaxDepth = 64)]
[JsonSerializable(typeof(AgentServiceChecksView))]
[JsonSerializable(typeof(IReadOnlyList<AgentServiceChecksView>))]
[JsonSerializable(typeof(AutopilotConfigurationView))]
[JsonSerializable(typeof(AutopilotConfigurationBody))]
[JsonSerializable(typeof(AutopilotStateView))]
[JsonSerializable(typeof(TransferLeaderView))]
[JsonSerializable(typeof(OperatorUsageView))]
public sealed partial class OpsJsonContext : JsonSerializerContext;
