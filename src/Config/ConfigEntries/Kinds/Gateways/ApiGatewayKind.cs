using System.Text.RegularExpressions;
using Mesh.Config.Access;

namespace Mesh.Config.ConfigEntries;

/// <summary><c>api-gateway</c>: listeners merged by port, certificates referenced by name. Writes mesh:write, reads service:read.</summary>
public sealed partial class ApiGatewayKind : ConfigEntryKind<ApiGatewayEntry>
{
    public const string KindName = "api-gateway";

    public override string Kind => KindName;

    public override AclResource Resource => AclResource.Mesh;

    public override AclResource ReadResource => AclResource.Service;

    protected override ApiGatewayEntry Normalize(ApiGatewayEntry entry) => entry with
    {
        Status = new(),
        Listeners = entry.Listeners?.Select(listener => listener with
        {
            Hostname = listener.Hostname ?? string.Empty,
            Protocol = (listener.Protocol ?? string.Empty).ToLowerInvariant(),
            Tls = Normalize(listener.Tls ?? new()),
        }).ToList(),
    };

    protected override void Validate(ApiGatewayEntry entry)
    {
        if (string.IsNullOrEmpty(entry.Name))
        {
            throw Fail("Name is required");
        }

        ConfigMeta.Validate(entry.Meta);
        var listeners = entry.Listeners ?? [];
        if (listeners.Count == 0)
        {
            throw Fail("api gateway must have at least one listener");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var listener in listeners)
        {
            var name = listener.Name ?? string.Empty;
            if (name.Length < 1 || !ListenerName().IsMatch(name))
            {
                throw Fail($"listener name \"{name}\" is invalid, must be at least 1 character and contain only letters, numbers, or dashes");
            }

            if (!names.Add(name))
            {
                throw Fail($"found multiple listeners with the name \"{name}\"");
            }
        }

        var byPort = new Dictionary<int, ApiGatewayListener>();
        foreach (var listener in listeners)
        {
            if (byPort.TryGetValue(listener.Port, out var merged) && (merged.Hostname != listener.Hostname || merged.Protocol != listener.Protocol))
            {
                throw Fail($"listeners \"{merged.Name}\" and \"{listener.Name}\" cannot be merged");
            }

            byPort[listener.Port] = listener;
        }

        foreach (var listener in listeners)
        {
            ValidateListener(listener);
        }
    }

    protected override ApiGatewayEntry WithoutEnvelope(ApiGatewayEntry entry)
        => entry with { Kind = null, Name = null, Hash = null, CreateIndex = null, ModifyIndex = null };

    private static ApiGatewayTlsConfiguration Normalize(ApiGatewayTlsConfiguration tls) => tls with
    {
        MaxVersion = tls.MaxVersion ?? string.Empty,
        MinVersion = tls.MinVersion ?? string.Empty,
        Certificates = tls.Certificates?.Select(certificate => certificate with
        {
            Kind = string.IsNullOrEmpty(certificate.Kind) ? InlineCertificateKind.KindName : certificate.Kind,
            Name = certificate.Name ?? string.Empty,
            SectionName = certificate.SectionName ?? string.Empty,
        }).ToList(),
    };

    private static void ValidateListener(ApiGatewayListener listener)
    {
        if (listener.Protocol is not ("http" or "tcp"))
        {
            throw Fail($"unsupported listener protocol \"{listener.Protocol}\", must be one of 'tcp', or 'http'");
        }

        var hostname = listener.Hostname ?? string.Empty;
        if (listener.Protocol == "tcp" && hostname.Length > 0)
        {
            throw Fail("hostname specification is not supported when using TCP");
        }

        if (listener.Port is <= 0 or > 65535)
        {
            throw Fail($"listener port {listener.Port} not in the range 1-65535");
        }

        if ((hostname.StartsWith("*.", StringComparison.Ordinal) ? hostname[2..] : hostname).Contains('*', StringComparison.Ordinal))
        {
            throw Fail($"host \"{hostname}\" is not valid, a wildcard specifier is only allowed as the left-most label");
        }

        var tls = listener.Tls ?? new();
        foreach (var certificate in tls.Certificates ?? [])
        {
            if (certificate.Kind != InlineCertificateKind.KindName)
            {
                throw Fail($"unsupported certificate kind: \"{certificate.Kind}\", must be 'inline-certificate'");
            }

            if (string.IsNullOrEmpty(certificate.Name))
            {
                throw Fail("certificate reference must have a name");
            }
        }

        GatewayTlsValidation.Validate(tls.MinVersion, tls.MaxVersion, tls.CipherSuites);
    }

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$", RegexOptions.CultureInvariant)]
    private static partial Regex ListenerName();
}
