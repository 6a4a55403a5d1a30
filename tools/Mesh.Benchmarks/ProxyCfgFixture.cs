using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;
using Mesh.Ca.Config;
using Mesh.Ca.Leaves;
using Mesh.Ca.Roots;
using Mesh.Config.ConfigEntries;
using Mesh.Fsm;
using Mesh.Fsm.Commands;
using Mesh.Fsm.Model;
using Mesh.Fsm.State;
using Mesh.ProxyCfg;
using Mesh.Server;

namespace Mesh.Benchmarks;

/// <summary>
/// A store built through <see cref="StateMachine.Apply"/> with real commands: a generated CA root, 50 upstream services
/// (even ones declared <c>http</c> by service-defaults, odd ones tcp), each with 3 instances and their sidecars on
/// their own nodes with passing checks, intentions for <c>web</c>, and two sidecars of web: one declaring all 50 as
/// upstreams, one declaring a single tcp upstream.
/// </summary>
public sealed class ProxyCfgFixture
{
    public const int Upstreams = 50;
    public const int InstancesPerUpstream = 3;
    public static readonly ProxyId WebProxy = new("node-web", "web-sidecar-proxy");

    /// <summary>A second sidecar of web with one tcp upstream: the shape of each proxy in the fan-out and xDS runs.</summary>
    public static readonly ProxyId SmallProxy = new("node-web", "web-small-sidecar-proxy");

    private static readonly Lazy<ProxyCfgFixture> Shared = new(() => new ProxyCfgFixture());

    private readonly StateMachine _fsm = new();
    private long _index;

    private ProxyCfgFixture()
    {
        var ca = CaStatePlanner.Initial(CaProviderConfig.Default, DateTimeOffset.UtcNow);
        Apply(new CaSetStateCommand { State = ca });
        Leaf = SelfSignedLeaf(_fsm.Current.Ca!.TrustDomain);
        ConfigEntry("""{"Kind":"service-intentions","Name":"web","Sources":[{"Name":"api","Action":"allow"},{"Name":"admin","Action":"allow"},{"Name":"legacy","Action":"deny"}]}""");
        var upstreams = new List<Upstream>();
        for (var u = 0; u < Upstreams; u++)
        {
            var service = UpstreamName(u);
            if (u % 2 == 0)
            {
                ConfigEntry($$"""{"Kind":"service-defaults","Name":"{{service}}","Protocol":"http"}""");
            }

            for (var i = 0; i < InstancesPerUpstream; i++)
            {
                RegisterInstance(service, $"node-{service}-{i}", $"127.2.{u}.{i + 1}");
            }

            upstreams.Add(new Upstream { DestinationName = service, LocalBindAddress = "127.0.0.1", LocalBindPort = 10_000 + u, Config = JsonBlob.EmptyObject });
        }

        Register("node-web", "127.0.0.10", new NodeService { Id = "web", Service = "web", Port = 8080 });
        Register("node-web", "127.0.0.10", new NodeService
        {
            Kind = ServiceKind.ConnectProxy,
            Id = WebProxy.ServiceId,
            Service = "web-sidecar-proxy",
            Port = 21000,
            Proxy = new ConnectProxyConfig
            {
                DestinationServiceName = "web",
                DestinationServiceID = "web",
                LocalServiceAddress = "127.0.0.1",
                LocalServicePort = 8080,
                Config = JsonBlob.EmptyObject,
                Upstreams = upstreams,
            },
        });
        Register("node-web", "127.0.0.10", new NodeService
        {
            Kind = ServiceKind.ConnectProxy,
            Id = SmallProxy.ServiceId,
            Service = "web-sidecar-proxy",
            Port = 21001,
            Proxy = new ConnectProxyConfig
            {
                DestinationServiceName = "web",
                DestinationServiceID = "web",
                LocalServiceAddress = "127.0.0.1",
                LocalServicePort = 8080,
                Config = JsonBlob.EmptyObject,
                Upstreams = [upstreams[1]],
            },
        });
    }

    public static ProxyId ProxyWith(int upstreams) => upstreams switch
    {
        1 => SmallProxy,
        Upstreams => WebProxy,
        _ => throw new ArgumentOutOfRangeException(nameof(upstreams), "the fixture has proxies with 1 and 50 upstreams"),
    };

    public static ProxyCfgFixture Instance => Shared.Value;

    public StoreState State => _fsm.Current;

    public IssuedLeaf Leaf { get; }

    public AgentIdentity Self { get; } = new()
    {
        NodeName = "server-1",
        NodeId = "00000000-0000-0000-0000-000000000001",
        Datacenter = "dc1",
        AdvertiseAddress = "127.0.0.1",
        ServerEndPoint = new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 8300),
        DefaultIntentionPolicy = "deny",
    };

    public static string UpstreamName(int upstream) => $"up-{upstream:D2}";

    private void Apply(Command command)
    {
        var result = _fsm.Apply(++_index, new LogRecord { Command = command });
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"fixture command refused: {result.Error}");
        }
    }

    private void ConfigEntry(string json) => Apply(new UpsertConfigEntryCommand { Entry = ConfigEntryKinds.Decode(JsonNode.Parse(json)!.AsObject()).ToEntry() });

    private void Register(string node, string address, NodeService service, params HealthCheck[] checks) => Apply(new RegisterCommand
    {
        Node = node,
        Address = address,
        Datacenter = "dc1",
        Service = service,
        Checks = [.. checks.Select(c => c with { Node = node, ServiceId = service.Id, ServiceName = service.Service })],
    });

    private void RegisterInstance(string service, string node, string address)
    {
        Register(node, address, new NodeService { Id = service, Service = service, Port = 5000 },
            new HealthCheck { CheckId = "service:" + service, Name = "app", Status = HealthStatus.Passing });
        Register(node, address, new NodeService
        {
            Kind = ServiceKind.ConnectProxy,
            Id = service + "-sidecar-proxy",
            Service = service + "-sidecar-proxy",
            Port = 21000,
            Proxy = new ConnectProxyConfig { DestinationServiceName = service, DestinationServiceID = service, LocalServicePort = 5000 },
        }, new HealthCheck { CheckId = "service:" + service + "-sidecar-proxy", Name = "proxy", Status = HealthStatus.Passing });
    }

    /// <summary>
    /// A leaf of realistic size (P-256 key, SPIFFE URI SAN). The builder and generator only carry its PEMs, so it is
    /// self-signed here instead of going through the leader's signing path.
    /// </summary>
    private static IssuedLeaf SelfSignedLeaf(string trustDomain)
    {
        var uri = $"spiffe://{trustDomain}/ns/default/dc/dc1/svc/web";
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName(string.Empty), key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddUri(new Uri(uri));
        request.CertificateExtensions.Add(san.Build(critical: true));
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.CreateSelfSigned(now.AddMinutes(-1), now.AddDays(3));
        return new IssuedLeaf
        {
            SerialNumber = "0a",
            CertPem = certificate.ExportCertificatePem() + "\n",
            PrivateKeyPem = key.ExportECPrivateKeyPem() + "\n",
            Service = "web",
            ServiceUri = uri,
            ValidAfter = now.AddMinutes(-1),
            ValidBefore = now.AddDays(3),
            SigningKeyId = "self",
            RenewAt = now.AddDays(2),
            CreateIndex = 1,
            ModifyIndex = 1,
        };
    }
}
