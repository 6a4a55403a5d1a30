namespace Mesh.Agent.Cli;

/// <summary>
/// The ACL token every client command sends as <c>X-Consul-Token</c>, in Consul's CLI precedence (since Consul 1.14,
/// hashicorp/consul#15274): <c>-token</c>, then <c>-token-file</c>, then <c>MESH_HTTP_TOKEN_FILE</c> /
/// <c>CONSUL_HTTP_TOKEN_FILE</c>, then <c>MESH_HTTP_TOKEN</c> / <c>CONSUL_HTTP_TOKEN</c>. A file's content is trimmed; an
/// empty file counts as unset, as in Consul's client.
/// </summary>
public static class ClientToken
{
    public static void AddFlags(FlagSet flags)
        => flags.AddString("token", null, "ACL token to use in the request (env MESH_HTTP_TOKEN or CONSUL_HTTP_TOKEN). Without one, the agent's default token is used")
            .AddString("token-file", null, "File containing the ACL token to use in the request instead of the environment's (env MESH_HTTP_TOKEN_FILE or CONSUL_HTTP_TOKEN_FILE)");

    /// <summary>The token from the flags and the environment, or null for none (the server then uses its default token).</summary>
    /// <exception cref="UsageException">A token file that cannot be read.</exception>
    public static string? FromFlags(FlagSet flags) => Resolve(flags.GetString("token"), flags.GetString("token-file"));

    /// <inheritdoc cref="FromFlags"/>
    public static string? Resolve(string? token, string? tokenFile)
    {
        if (!string.IsNullOrEmpty(token))
        {
            return token;
        }

        foreach (var (file, source) in new[] { (tokenFile, "-token-file"), (ClientEnvironment.Get("HTTP_TOKEN_FILE"), "CONSUL_HTTP_TOKEN_FILE") })
        {
            if (!string.IsNullOrEmpty(file) && Read(file, source) is { Length: > 0 } fromFile)
            {
                return fromFile;
            }
        }

        return ClientEnvironment.Get("HTTP_TOKEN");
    }

    private static string Read(string path, string source)
    {
        try
        {
            return File.ReadAllText(path).Trim();
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new UsageException($"Error loading token file {path} ({source}): {error.Message}");
        }
    }
}
