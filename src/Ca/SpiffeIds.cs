namespace Mesh.Ca;

/// <summary>A service's SPIFFE ID: <c>spiffe://&lt;trust domain&gt;/ns/&lt;ns&gt;/dc/&lt;dc&gt;/svc/&lt;service&gt;</c>.</summary>
public sealed record ServiceSpiffeId(string TrustDomain, string Namespace, string Datacenter, string Service, string Partition = "")
{
    public string Uri => Partition.Length == 0 || Partition == "default"
        ? $"spiffe://{TrustDomain}/ns/{Escape(Namespace)}/dc/{Escape(Datacenter)}/svc/{Escape(Service)}"
        : $"spiffe://{TrustDomain}/ap/{Escape(Partition)}/ns/{Escape(Namespace)}/dc/{Escape(Datacenter)}/svc/{Escape(Service)}";

    private static string Escape(string segment) => System.Uri.EscapeDataString(segment);
}

/// <summary>Building and parsing Consul's SPIFFE IDs (<c>agent/connect/uri*.go</c>).</summary>
public static class SpiffeIds
{
    /// <summary>The CA's own ID, the URI SAN of its roots: <c>spiffe://&lt;trust domain&gt;</c>.</summary>
    public static string Signing(string trustDomain) => "spiffe://" + trustDomain;

    public static ServiceSpiffeId Service(string trustDomain, string datacenter, string service)
        => new(trustDomain, "default", datacenter, service);

    /// <summary>Parses a service ID (with or without an admin partition); anything else is not one.</summary>
    public static bool TryParseService(string? text, out ServiceSpiffeId? id)
    {
        id = null;
        if (!System.Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme != "spiffe" || uri.Host.Length == 0
            || uri.Query.Length > 0 || uri.Fragment.Length > 0)
        {
            return false;
        }

        var segments = uri.AbsolutePath.Split('/');
        var partition = string.Empty;
        var rest = segments.AsSpan(1);
        if (rest.Length == 8 && rest[0] == "ap")
        {
            partition = System.Uri.UnescapeDataString(rest[1]);
            rest = rest[2..];
        }

        if (segments[0].Length != 0 || rest.Length != 6 || rest[0] != "ns" || rest[2] != "dc" || rest[4] != "svc"
            || rest[1].Length == 0 || rest[3].Length == 0 || rest[5].Length == 0)
        {
            return false;
        }

        id = new ServiceSpiffeId(
            uri.Host,
            System.Uri.UnescapeDataString(rest[1]),
            System.Uri.UnescapeDataString(rest[3]),
            System.Uri.UnescapeDataString(rest[5]),
            partition);
        return true;
    }
}
