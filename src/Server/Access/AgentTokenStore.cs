using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Text.Json;
using Mesh.Acl;

namespace Mesh.Server.Access;

/// <summary>
/// The tokens this agent uses itself (<c>acl.tokens.*</c>), changeable at run time through
/// <c>PUT /v1/agent/token/:type</c> as Consul's <c>token.Store</c>. This is agent-local configuration, not cluster
/// state, so it lives outside the FSM. With <c>acl.enable_token_persistence</c> every change is written to
/// <c>acl-tokens.json</c> in the data directory (0600) before it takes effect, and that file is read at start; a token
/// in the file wins over the configuration file's, as in Consul.
/// </summary>
public sealed class AgentTokenStore
{
    public const string FileName = "acl-tokens.json";

    /// <summary>Consul's token types and the legacy names still accepted for them.</summary>
    private static readonly FrozenDictionary<string, string> Types = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["default"] = "default",
        ["agent"] = "agent",
        ["agent_recovery"] = "agent_recovery",
        ["config_file_service_registration"] = "config_file_service_registration",
        ["dns"] = "dns",
        ["replication"] = "replication",
        ["acl_token"] = "default",
        ["acl_agent_token"] = "agent",
        ["agent_master"] = "agent_recovery",
        ["acl_agent_master_token"] = "agent_recovery",
        ["acl_replication_token"] = "replication",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    private readonly string? _persistencePath;
    private readonly Lock _writeLock = new();
    private ImmutableDictionary<string, string> _tokens;

    /// <summary>No tokens and no persistence (ACLs off, unit tests).</summary>
    public AgentTokenStore()
        : this(new AclAgentTokens(), persistencePath: null)
    {
    }

    /// <param name="configured">The configuration file's <c>acl.tokens</c>.</param>
    /// <param name="persistencePath">The <c>acl-tokens.json</c> path when <c>enable_token_persistence</c> is on, else null.</param>
    /// <exception cref="InvalidDataException">The persisted file exists but is not a JSON object of strings.</exception>
    public AgentTokenStore(AclAgentTokens configured, string? persistencePath)
    {
        ArgumentNullException.ThrowIfNull(configured);
        _persistencePath = persistencePath;
        var tokens = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
        Put(tokens, "default", configured.Default);
        Put(tokens, "agent", configured.Agent);
        Put(tokens, "agent_recovery", configured.AgentRecovery);
        if (persistencePath is not null && File.Exists(persistencePath))
        {
            foreach (var (type, secret) in ReadPersisted(persistencePath))
            {
                Put(tokens, type, secret);
            }
        }

        _tokens = tokens.ToImmutable();
    }

    /// <summary>Used for requests that carry no token (<c>acl.tokens.default</c>); null for the anonymous token.</summary>
    public string? Default => Get("default");

    /// <summary>The agent's own writes: <c>agent</c>, else <c>default</c>, else anonymous.</summary>
    public RequestToken AgentToken => RequestToken.FromSecret(Get("agent") ?? Get("default"));

    public bool PersistenceEnabled => _persistencePath is not null;

    /// <summary>The canonical type for a type name or legacy alias, or null when it is not one.</summary>
    public static string? Canonical(string type) => Types.TryGetValue(type, out var canonical) ? canonical : null;

    /// <summary>The secret set for a type (canonical or alias), or null.</summary>
    public string? Get(string type) => Canonical(type) is { } canonical && Volatile.Read(ref _tokens).TryGetValue(canonical, out var secret) ? secret : null;

    /// <summary>Sets (or with an empty secret clears) one token; persists first when persistence is on.</summary>
    /// <exception cref="ArgumentException">Not a token type.</exception>
    /// <exception cref="IOException">The tokens file could not be written; nothing changed.</exception>
    public void Set(string type, string? secret)
    {
        var canonical = Canonical(type) ?? throw new ArgumentException($"Token \"{type}\" is unknown", nameof(type));
        lock (_writeLock)
        {
            var current = Volatile.Read(ref _tokens);
            var next = string.IsNullOrEmpty(secret) ? current.Remove(canonical) : current.SetItem(canonical, secret);
            if (_persistencePath is not null)
            {
                Write(_persistencePath, next);
            }

            Volatile.Write(ref _tokens, next);
        }
    }

    private static void Put(ImmutableDictionary<string, string>.Builder tokens, string type, string? secret)
    {
        if (!string.IsNullOrEmpty(secret))
        {
            tokens[type] = secret;
        }
    }

    private static List<(string Type, string Secret)> ReadPersisted(string path)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidDataException($"{path}: expected a JSON object of token types");
            }

            var tokens = new List<(string Type, string Secret)>();
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (Canonical(property.Name) is { } type && property.Value.ValueKind == JsonValueKind.String)
                {
                    tokens.Add((type, property.Value.GetString()!));
                }
            }

            return tokens;
        }
        catch (JsonException error)
        {
            throw new InvalidDataException($"Failed to decode tokens file {path}: {error.Message}", error);
        }
    }

    private static void Write(string path, ImmutableDictionary<string, string> tokens)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temporary = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite; // secrets
        }

        using (var file = new FileStream(temporary, options))
        {
            using (var writer = new Utf8JsonWriter(file))
            {
                writer.WriteStartObject();
                foreach (var (type, secret) in tokens.OrderBy(t => t.Key, StringComparer.Ordinal))
                {
                    writer.WriteString(type, secret);
                }

                writer.WriteEndObject();
            }

            file.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }
}
