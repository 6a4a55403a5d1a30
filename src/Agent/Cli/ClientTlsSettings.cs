namespace Mesh.Agent.Cli;

/// <summary>
/// The CLI's TLS settings for the HTTP API, resolved as Consul's <c>api.defaultConfig</c> and
/// <c>command/flags/http.go</c> do: the environment first (<c>MESH_*</c> before <c>CONSUL_*</c>), then a flag that was
/// given overrides it.
/// </summary>
public sealed record ClientTlsSettings
{
    public string? CaFile { get; init; }

    public string? CaPath { get; init; }

    public string? ClientCert { get; init; }

    public string? ClientKey { get; init; }

    /// <summary>The name the server certificate must be valid for, instead of the dialled host (any <c>:port</c> stripped).</summary>
    public string? ServerName { get; init; }

    /// <summary><c>CONSUL_HTTP_SSL_VERIFY=false</c>: accept any server certificate.</summary>
    public bool InsecureSkipVerify { get; init; }

    public static void AddFlags(FlagSet flags)
        => flags.AddString("ca-file", null, "Path to a CA file to use for TLS when communicating with Mesh (env MESH_CACERT or CONSUL_CACERT)")
            .AddString("ca-path", null, "Path to a directory of CA certificates to use for TLS when communicating with Mesh (env MESH_CAPATH or CONSUL_CAPATH)")
            .AddString("client-cert", null, "Path to a client cert file to use for TLS when verify_incoming is enabled (env MESH_CLIENT_CERT or CONSUL_CLIENT_CERT)")
            .AddString("client-key", null, "Path to a client key file to use for TLS when verify_incoming is enabled (env MESH_CLIENT_KEY or CONSUL_CLIENT_KEY)")
            .AddString("tls-server-name", null, "The server name to use as the SNI host and to verify the certificate against (env MESH_TLS_SERVER_NAME or CONSUL_TLS_SERVER_NAME)");

    public static ClientTlsSettings FromFlags(FlagSet flags)
    {
        var settings = new ClientTlsSettings
        {
            CaFile = flags.GetString("ca-file") ?? ClientEnvironment.Get("CACERT"),
            CaPath = flags.GetString("ca-path") ?? ClientEnvironment.Get("CAPATH"),
            ClientCert = flags.GetString("client-cert") ?? ClientEnvironment.Get("CLIENT_CERT"),
            ClientKey = flags.GetString("client-key") ?? ClientEnvironment.Get("CLIENT_KEY"),
            ServerName = StripPort(flags.GetString("tls-server-name") ?? ClientEnvironment.Get("TLS_SERVER_NAME")),
            InsecureSkipVerify = ClientEnvironment.GetBool("HTTP_SSL_VERIFY") == false,
        };
        if (string.IsNullOrEmpty(settings.ClientCert) != string.IsNullOrEmpty(settings.ClientKey))
        {
            throw new UsageException("-client-cert and -client-key (CONSUL_CLIENT_CERT and CONSUL_CLIENT_KEY) must be given together");
        }

        return settings;
    }

    private static string? StripPort(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return null;
        }

        var colon = name.LastIndexOf(':');
        return colon > 0 && !name.EndsWith(']') && name.IndexOf(':', StringComparison.Ordinal) == colon ? name[..colon] : name.Trim('[', ']');
    }
}

/// <summary>The client environment: <c>MESH_&lt;name&gt;</c> wins over <c>CONSUL_&lt;name&gt;</c>; empty counts as unset.</summary>
public static class ClientEnvironment
{
    public static string? Get(string name)
        => new[] { Environment.GetEnvironmentVariable("MESH_" + name), Environment.GetEnvironmentVariable("CONSUL_" + name) }
            .FirstOrDefault(v => !string.IsNullOrEmpty(v));

    /// <summary>A Go <c>strconv.ParseBool</c> value, or null when unset.</summary>
    /// <exception cref="UsageException">The value is not a boolean.</exception>
    public static bool? GetBool(string name)
    {
        var value = Get(name);
        return value switch
        {
            null => null,
            "1" or "t" or "T" or "true" or "TRUE" or "True" => true,
            "0" or "f" or "F" or "false" or "FALSE" or "False" => false,
            _ => throw new UsageException($"could not parse {name} \"{value}\" as a boolean (env MESH_{name} or CONSUL_{name})"),
        };
    }
}
