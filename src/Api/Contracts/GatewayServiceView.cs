using System.Text.Json.Serialization;
using Mesh.Config.Gateways;

namespace Mesh.Api.Contracts;

/// <summary>A <c>structs.ServiceName</c> as Consul CE writes it.</summary>
public sealed record ServiceNameView(string Name);

/// <summary>One row of <c>/v1/catalog/gateway-services/:gateway</c> (<c>structs.GatewayService</c>, omitempty as Consul).</summary>
public sealed record GatewayServiceView
{
    public required ServiceNameView Gateway { get; init; }

    public required ServiceNameView Service { get; init; }

    public required string GatewayKind { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int Port { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Protocol { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Hosts { get; init; }

    [JsonPropertyName("CAFile")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? CaFile { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? CertFile { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? KeyFile { get; init; }

    [JsonPropertyName("SNI")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Sni { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool FromWildcard { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ServiceKind { get; init; }

    public long CreateIndex { get; init; }

    public long ModifyIndex { get; init; }

    public static GatewayServiceView From(GatewayService row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return new()
        {
            Gateway = new(row.Gateway),
            Service = new(row.Service),
            GatewayKind = row.GatewayKind,
            Port = row.Port,
            Protocol = NullIfEmpty(row.Protocol),
            Hosts = row.Hosts.Count == 0 ? null : row.Hosts,
            CaFile = NullIfEmpty(row.CaFile),
            CertFile = NullIfEmpty(row.CertFile),
            KeyFile = NullIfEmpty(row.KeyFile),
            Sni = NullIfEmpty(row.Sni),
            FromWildcard = row.FromWildcard,
            ServiceKind = NullIfEmpty(row.ServiceKind),
            CreateIndex = row.CreateIndex,
            ModifyIndex = row.ModifyIndex,
        };
    }

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
}
