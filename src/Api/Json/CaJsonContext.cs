using System.Text.Json;
using System.Text.Json.Serialization;
using Mesh.Api.Contracts;

namespace Mesh.Api.Json;

/// <summary>Source-generated JSON for the Connect CA endpoints, with the same options as <see cref="ApiJsonContext"/>.</summary>
[JsonSourceGenerationOptions(
    PropertyNameCaseInsensitive = true,
    ReadCommentHandling = JsonCommentHandling.Disallow,
    AllowTrailingCommas = false,
    MaxDepth = 64)]
[JsonSerializable(typeof(CaRootsView))]
[JsonSerializable(typeof(CaConfigurationView))]
[JsonSerializable(typeof(CaConfigurationBody))]
[JsonSerializable(typeof(IssuedCertView))]
public sealed partial class CaJsonContext : JsonSerializerContext;
