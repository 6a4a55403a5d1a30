using System.Text.RegularExpressions;

namespace Mesh.Config.Intentions;

/// <summary>
/// A service's SPIFFE ID, <c>spiffe://&lt;trust-domain&gt;[/ap/&lt;partition&gt;]/ns/&lt;ns&gt;/dc/&lt;dc&gt;/svc/&lt;service&gt;</c>,
/// parsed as Consul's <c>connect.ParseCertURI</c> does (segments percent-decoded).
/// </summary>
public sealed partial record SpiffeServiceUri(string TrustDomain, string Partition, string Namespace, string Datacenter, string Service)
{
    /// <summary>Parses a client certificate URI.</summary>
    /// <returns>The service ID; null with <paramref name="error"/> set when it is not one (Consul's messages).</returns>
    public static SpiffeServiceUri? Parse(string? input, out string? error)
    {
        error = "ClientCertURI not a valid Connect identifier";
        if (string.IsNullOrEmpty(input) || !input.StartsWith("spiffe://", StringComparison.Ordinal))
        {
            return null;
        }

        var rest = input["spiffe://".Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var host = slash < 0 ? rest : rest[..slash];
        var path = slash < 0 ? string.Empty : rest[slash..];
        if (host.Length == 0 || path.Contains('?', StringComparison.Ordinal) || path.Contains('#', StringComparison.Ordinal))
        {
            return null;
        }

        if (ServicePath().Match(path) is { Success: true } service)
        {
            error = null;
            var partition = service.Groups[1].Success ? Uri.UnescapeDataString(service.Groups[1].Value) : "default";
            return new SpiffeServiceUri(host, partition, Uri.UnescapeDataString(service.Groups[2].Value),
                Uri.UnescapeDataString(service.Groups[3].Value), Uri.UnescapeDataString(service.Groups[4].Value));
        }

        // Other Connect identities (agents, servers, mesh gateways, the CA's signing ID) are valid URIs but not services.
        if (path.Length == 0 || OtherIdentityPath().IsMatch(path))
        {
            error = "ClientCertURI not a valid Service identifier";
        }

        return null;
    }

    [GeneratedRegex("^(?:/ap/([^/]+))?/ns/([^/]+)/dc/([^/]+)/svc/([^/]+)$", RegexOptions.CultureInvariant)]
    private static partial Regex ServicePath();

    [GeneratedRegex("^(?:(?:/ap/[^/]+)?/agent/client/dc/[^/]+/id/[^/]+|/agent/server/dc/[^/]+|(?:/ap/[^/]+)?/gateway/mesh/dc/[^/]+)$", RegexOptions.CultureInvariant)]
    private static partial Regex OtherIdentityPath();
}
