using System.Text.Json;
using Mesh.Agent.Hosting;
using Mesh.Hcl;

namespace Mesh.Agent.Cli;

/// <summary>
/// Reads an agent config file, JSON or HCL as Consul's, with Consul's key names. Keys Mesh does not implement are
/// accepted with a warning when they do not apply to Mesh and refused otherwise (<see cref="UnimplementedConfigKeys"/>);
/// unknown keys are an error, as in Consul.
/// </summary>
public static class AgentConfigFile
{
    /// <summary>
    /// Applies one file. The language is <paramref name="format"/> ("json" or "hcl", Consul's <c>-config-format</c>)
    /// when given, else the extension (<c>.json</c>, <c>.hcl</c>), else the content (JSON starts with '{').
    /// </summary>
    public static AgentConfig Apply(AgentConfig config, string path, string? format = null)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"Error reading config file {path}: {error.Message}");
        }

        var hcl = format switch
        {
            "hcl" => true,
            "json" => false,
            null or "" => Path.GetExtension(path).ToLowerInvariant() switch
            {
                ".hcl" => true,
                ".json" => false,
                _ => !HclDocument.LooksLikeJson(text),
            },
            _ => throw new UsageException($"-config-format \"{format}\" must be \"hcl\" or \"json\""),
        };

        JsonDocument document;
        try
        {
            document = hcl
                ? JsonDocument.Parse(HclDocument.Parse(text, HclListKeys.AgentConfig).ToJsonString())
                : JsonDocument.Parse(text, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (HclSyntaxException error)
        {
            throw new UsageException($"Error parsing {path}: {error.Message}");
        }
        catch (JsonException error)
        {
            throw new UsageException($"Error reading config file {path}: {error.Message}");
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new UsageException($"Error reading config file {path}: the top level must be a JSON object");
            }

            foreach (var property in document.RootElement.EnumerateObject())
            {
                config = ApplyKey(config, property, path);
            }
        }

        return config;
    }

    /// <summary>
    /// Consul's <c>-config-dir</c>: every <c>*.json</c> and <c>*.hcl</c> file directly in the folder, in lexical order
    /// of their names (later files override earlier ones); other files and subfolders are skipped.
    /// </summary>
    public static AgentConfig ApplyDirectory(AgentConfig config, string directory, string? format = null)
    {
        string[] files;
        try
        {
            files = Directory.GetFiles(directory);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"Error reading config directory {directory}: {error.Message}");
        }

        Array.Sort(files, StringComparer.Ordinal);
        foreach (var file in files)
        {
            var extension = Path.GetExtension(file).ToLowerInvariant();
            if (extension is ".json" or ".hcl" || (extension.Length > 0 && format is { Length: > 0 } && extension == "." + format))
            {
                config = Apply(config, file, format);
            }
        }

        return config;
    }

    private static AgentConfig ApplyKey(AgentConfig config, JsonProperty property, string path)
    {
        var value = property.Value;
        return property.Name switch
        {
            "datacenter" => config with { Datacenter = Text(value, property.Name, path) },
            "node_name" => config with { NodeName = Text(value, property.Name, path) },
            "node_id" => config with { NodeId = Text(value, property.Name, path) },
            "data_dir" => config with { DataDir = Text(value, property.Name, path) },
            "bind_addr" => config with { BindAddress = Text(value, property.Name, path) },
            "advertise_addr" => config with { BindAddress = Text(value, property.Name, path) },
            "advertise_addr_wan" => config with { AdvertiseWanAddress = Text(value, property.Name, path) },
            "client_addr" => config with { ClientAddresses = Text(value, property.Name, path).Split(' ', StringSplitOptions.RemoveEmptyEntries) },
            "server" => config with { Server = Bool(value, property.Name, path) },
            "bootstrap" => config with { Bootstrap = Bool(value, property.Name, path) },
            "bootstrap_expect" => config with { BootstrapExpect = Int(value, property.Name, path) },
            "retry_join" => config with { RetryJoin = value.ValueKind == JsonValueKind.Array ? [.. value.EnumerateArray().Select(v => Text(v, property.Name, path))] : throw Invalid(property.Name, path, "an array of strings") },
            "log_level" => config with { LogLevel = Text(value, property.Name, path) },
            "raft_snapshot_threshold" => config with { SnapshotThreshold = Int(value, property.Name, path) },
            "retry_interval" => config with { RetryInterval = Duration(value, property.Name, path) },
            "retry_join_wan" or "start_join_wan" => config with { RetryJoinWan = value.ValueKind == JsonValueKind.Array ? [.. config.RetryJoinWan, .. value.EnumerateArray().Select(v => Text(v, property.Name, path))] : throw Invalid(property.Name, path, "an array of strings") },
            "retry_interval_wan" => config with { RetryIntervalWan = Duration(value, property.Name, path) },
            "primary_datacenter" => config with { PrimaryDatacenter = Text(value, property.Name, path) },
            "ports" => ApplyPorts(config, value, path),
            "connect" => ApplyConnect(config, value, path),
            "autopilot" => ApplyAutopilot(config, value, path),
            "xds" => ApplyXds(config, value, path),
            "acl" => ApplyAcl(config, value, path),
            "default_intention_policy" => config with { DefaultIntentionPolicy = IntentionPolicy(value, path) },
            "ui_config" => ApplyUiConfig(config, value, path),
            "ui" => config with { UiEnabled = Bool(value, property.Name, path) },
            "domain" => config with { Domain = Text(value, property.Name, path).TrimEnd('.') },
            "tls" => config with { Tls = TlsConfigFile.ApplyBlock(config.Tls, value, path) },
            _ when TlsConfigFile.ApplyLegacyKey(config.Tls, property, path) is { } tls => config with { Tls = tls },
            _ when ChecksAndLogsConfigKeys.Apply(config, property, path) is { } applied => applied,
            _ => UnimplementedConfigKeys.Unimplemented(config, property.Name, path),
        };
    }

    private static AgentConfig ApplyAcl(AgentConfig config, JsonElement value, string path)
    {
        var warnings = new List<string>();
        var acl = AclConfigSection.Read(config.Acl, value, path, warnings);
        return config with { Acl = acl, ConfigWarnings = [.. config.ConfigWarnings, .. warnings] };
    }

    /// <summary>Consul's <c>ui_config</c> block: <c>enabled</c> (the UI's other settings, such as metrics providers, are not supported).</summary>
    private static AgentConfig ApplyUiConfig(AgentConfig config, JsonElement ui, string path)
    {
        if (ui.ValueKind != JsonValueKind.Object)
        {
            throw Invalid("ui_config", path, "an object");
        }

        foreach (var setting in ui.EnumerateObject())
        {
            config = setting.Name switch
            {
                "enabled" => config with { UiEnabled = Bool(setting.Value, "ui_config.enabled", path) },
                _ => throw new UsageException($"Error reading config file {path}: invalid config key \"ui_config.{setting.Name}\" (only ui_config.enabled is supported)"),
            };
        }

        return config;
    }

    /// <summary>Consul's <c>autopilot</c> block: <c>cleanup_dead_servers</c> and <c>dead_server_threshold</c>.</summary>
    private static AgentConfig ApplyAutopilot(AgentConfig config, JsonElement autopilot, string path)
    {
        if (autopilot.ValueKind != JsonValueKind.Object)
        {
            throw Invalid("autopilot", path, "an object");
        }

        foreach (var setting in autopilot.EnumerateObject())
        {
            var options = config.Autopilot;
            config = setting.Name switch
            {
                "cleanup_dead_servers" => config with { Autopilot = options with { CleanupDeadServers = Bool(setting.Value, "autopilot.cleanup_dead_servers", path) } },
                "dead_server_threshold" => config with { Autopilot = options with { DeadServerThreshold = Duration(setting.Value, "autopilot.dead_server_threshold", path) } },
                _ => UnimplementedConfigKeys.Unimplemented(config, "autopilot." + setting.Name, path),
            };
        }

        return config;
    }

    /// <summary>
    /// The <c>xds</c> block: <c>max_streams</c> (concurrent xDS streams per server, default 10000),
    /// <c>coalesce_delay</c> (how long proxycfg gathers changes before a new snapshot, default "200ms") and Consul's
    /// <c>update_max_per_second</c> (proxy rebuilds per second across the server, default 0 = no limit).
    /// </summary>
    private static AgentConfig ApplyXds(AgentConfig config, JsonElement xds, string path)
    {
        if (xds.ValueKind != JsonValueKind.Object)
        {
            throw Invalid("xds", path, "an object");
        }

        foreach (var setting in xds.EnumerateObject())
        {
            config = setting.Name switch
            {
                "max_streams" => Int(setting.Value, "xds.max_streams", path) is var max and > 0
                    ? config with { XdsMaxStreams = max }
                    : throw Invalid("xds.max_streams", path, "a positive integer"),
                "coalesce_delay" => setting.Value.ValueKind == JsonValueKind.String
                                    && Mesh.Config.Durations.GoDuration.TryParse(setting.Value.GetString(), out var delay)
                                    && delay >= TimeSpan.Zero && delay <= TimeSpan.FromSeconds(10)
                    ? config with { XdsCoalesceDelay = delay }
                    : throw Invalid("xds.coalesce_delay", path, "a duration from \"0s\" to \"10s\", such as \"200ms\""),
                "update_max_per_second" => setting.Value.ValueKind == JsonValueKind.Number
                                           && setting.Value.TryGetDouble(out var rate) && rate >= 0 && double.IsFinite(rate)
                    ? config with { XdsUpdateMaxPerSecond = rate }
                    : throw Invalid("xds.update_max_per_second", path, "a non-negative number (0 = no limit)"),
                _ => UnimplementedConfigKeys.Unimplemented(config, "xds." + setting.Name, path),
            };
        }

        return config;
    }

    private static TimeSpan Duration(JsonElement value, string key, string path)
        => value.ValueKind == JsonValueKind.String && Mesh.Config.Durations.GoDuration.TryParse(value.GetString(), out var duration) && duration >= TimeSpan.FromSeconds(1)
            ? duration
            : throw Invalid(key, path, "a duration of at least 1s, such as \"30s\"");

    private static AgentConfig ApplyPorts(AgentConfig config, JsonElement ports, string path)
    {
        if (ports.ValueKind != JsonValueKind.Object)
        {
            throw Invalid("ports", path, "an object");
        }

        foreach (var port in ports.EnumerateObject())
        {
            config = port.Name switch
            {
                "http" => config with { HttpPort = Int(port.Value, "ports.http", path) },
                "grpc" => config with { GrpcPort = Int(port.Value, "ports.grpc", path) },
                "server" => config with { ServerPort = Int(port.Value, "ports.server", path) },
                "https" => config with { HttpsPort = Int(port.Value, "ports.https", path) },
                "grpc_tls" => config with { GrpcTlsPort = Int(port.Value, "ports.grpc_tls", path) },
                "sidecar_min_port" => config with { SidecarMinPort = Port(port.Value, "ports.sidecar_min_port", path) },
                "sidecar_max_port" => config with { SidecarMaxPort = Port(port.Value, "ports.sidecar_max_port", path) },
                _ => UnimplementedConfigKeys.Unimplemented(config, "ports." + port.Name, path),
            };
        }

        return config.SidecarMinPort <= config.SidecarMaxPort
            ? config
            : throw Invalid("ports.sidecar_min_port", path, $"at most ports.sidecar_max_port ({config.SidecarMaxPort})");
    }

    private static int Port(JsonElement value, string key, string path)
        => Int(value, key, path) is var port and > 0 and <= 65535 ? port : throw Invalid(key, path, "a port from 1 to 65535");

    /// <summary>
    /// Consul's <c>connect</c> block: <c>enabled</c> (Connect is always on here), <c>ca_provider</c> and <c>ca_config</c>
    /// (the CA's first configuration: leaf_cert_ttl, private_key_type, csr_max_per_second, ...), validated now.
    /// </summary>
    private static AgentConfig ApplyConnect(AgentConfig config, JsonElement connect, string path)
    {
        if (connect.ValueKind != JsonValueKind.Object)
        {
            throw Invalid("connect", path, "an object");
        }

        foreach (var setting in connect.EnumerateObject())
        {
            config = setting.Name switch
            {
                "enabled" => Bool(setting.Value, "connect.enabled", path)
                    ? config
                    : config with { ConfigWarnings = [.. config.ConfigWarnings, $"config key \"connect.enabled\" in {path} has no effect in Mesh: Connect is always enabled"] },
                "ca_provider" => config with { ConnectCaProvider = Text(setting.Value, "connect.ca_provider", path) },
                "ca_config" => setting.Value.ValueKind == JsonValueKind.Object
                    ? config with { ConnectCaConfig = setting.Value.GetRawText() }
                    : throw Invalid("connect.ca_config", path, "an object"),
                _ => UnimplementedConfigKeys.Unimplemented(config, "connect." + setting.Name, path),
            };
        }

        try
        {
            Mesh.Ca.Config.CaConfigParser.ParseAgentConfig(config.ConnectCaProvider, config.ConnectCaConfig);
        }
        catch (Mesh.Ca.Config.CaConfigException error)
        {
            throw new UsageException($"Error reading config file {path}: connect: {error.Message}");
        }

        return config;
    }

    private static string IntentionPolicy(JsonElement value, string path)
        => Text(value, "default_intention_policy", path) is var policy && policy is "allow" or "deny"
            ? policy
            : throw Invalid("default_intention_policy", path, "\"allow\" or \"deny\"");

    private static string Text(JsonElement value, string key, string path)
        => value.ValueKind == JsonValueKind.String ? value.GetString()! : throw Invalid(key, path, "a string");

    private static bool Bool(JsonElement value, string key, string path)
        => value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean() : throw Invalid(key, path, "true or false");

    private static int Int(JsonElement value, string key, string path)
        => value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) ? number : throw Invalid(key, path, "an integer");

    private static UsageException Invalid(string key, string path, string expected)
        => new($"Error reading config file {path}: \"{key}\" must be {expected}");
}
