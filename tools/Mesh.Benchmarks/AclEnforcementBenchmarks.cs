using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using Mesh.Acl;
using Mesh.Acl.Authorization;
using Mesh.Config.Access;
using Mesh.Fsm;
using Mesh.Fsm.Commands;
using Mesh.Fsm.Model;
using Mesh.Fsm.Model.Acl;
using Mesh.Server.Access;

namespace Mesh.Benchmarks;

/// <summary>
/// What ACL enforcement adds to one request: resolving the token (cached authorizer) and the checks the HTTP read
/// path (a filtered health list of 20 instances), the write path (a register's command permissions, checked at the
/// edge and again on the leader) and an xDS stream open make, for a token with 50 policies and 500 rules, against
/// ACLs off (<see cref="AllowAllPolicy"/>). Compare with the request times in docs/benchmarks.md.
/// </summary>
[MemoryDiagnoser]
public class AclEnforcementBenchmarks
{
    private readonly StateMachine _fsm = new();
    private IAccessPolicy _on = AllowAllPolicy.Instance;
    private readonly IAccessPolicy _off = AllowAllPolicy.Instance;
    private RequestToken _token = RequestToken.Anonymous;
    private readonly RegisterCommand _register = new()
    {
        Node = "node-7",
        NodeId = "7c0a36b7-3d05-4c1c-9a6e-000000000007",
        Address = "10.0.0.7",
        Datacenter = "dc1",
        SkipNodeUpdate = true,
        Service = new NodeService { Id = "svc-42-1", Service = "svc-42", Port = 8080 },
    };

    [GlobalSetup]
    public void Setup()
    {
        long index = 0;
        void Apply(Command command)
        {
            if (_fsm.Apply(++index, new LogRecord { Command = command }).Error is { } error)
            {
                throw new InvalidOperationException($"benchmark command refused: {error}");
            }
        }

        Apply(new RegisterCommand { Node = "node-7", NodeId = _register.NodeId, Address = "10.0.0.7", Datacenter = "dc1" });
        var policyIds = new List<string>();
        for (var p = 0; p < 50; p++)
        {
            var rules = new StringBuilder();
            for (var r = 0; r < 10; r++)
            {
                var n = (p * 10) + r;
                rules.Append(CultureInfo.InvariantCulture, $"service \"svc-{n}\" {{ policy = \"write\" }}\n");
            }

            var id = $"11111111-0000-0000-0000-{p:D12}";
            policyIds.Add(id);
            Apply(new AclPolicySetCommand { Policy = new AclPolicy { Id = id, Name = $"p{p}", Rules = rules.ToString() } });
        }

        var secret = "22222222-0000-0000-0000-000000000001";
        Apply(new AclTokenSetCommand
        {
            Token = new AclToken
            {
                AccessorId = "22222222-0000-0000-0000-000000000002",
                SecretId = secret,
                Policies = [.. policyIds.Select(id => new AclLink { Id = id })],
                CreateTimeUnixMilliseconds = 1,
            },
        });
        _on = new AclAccessPolicy(_fsm, new AclConfig { Enabled = true, DefaultPolicy = AclDefaultPolicy.Deny }, "dc1");
        _token = new RequestToken(secret);
        if (_on.Check(_token, AclResource.Service, "svc-42", AclAccess.Write) is { } denied)
        {
            throw new InvalidOperationException(denied);
        }
    }

    /// <summary>The middleware's token check plus a 20-row filtered list (service:read and node:read per row).</summary>
    private static int Read(IAccessPolicy access, RequestToken token)
    {
        var kept = access.Authenticate(token) is null ? 0 : -1;
        for (var i = 0; i < 20; i++)
        {
            if (access.Check(token, AclResource.Service, "svc-42", AclAccess.Read) is null && access.Check(token, AclResource.Node, "node-7", AclAccess.Read) is null)
            {
                kept++;
            }
        }

        return kept;
    }

    /// <summary>What the HTTP read path does: the middleware's token check, then one resolve for the 20-row filter.</summary>
    private static int ReadFiltered(IAccessPolicy access, RequestToken token)
    {
        var kept = access.Authenticate(token) is null ? 0 : -1;
        var decisions = access.DecisionsFor(token);
        for (var i = 0; i < 20; i++)
        {
            if (decisions.Allows(AclResource.Service, "svc-42", AclAccess.Read) && decisions.Allows(AclResource.Node, "node-7", AclAccess.Read))
            {
                kept++;
            }
        }

        return kept;
    }

    [Benchmark(Baseline = true)]
    public int HttpRead_AclOff() => ReadFiltered(_off, _token);

    [Benchmark]
    public int HttpRead_AclOn() => ReadFiltered(_on, _token);

    /// <summary>The same rows checked one by one through <c>Check</c> (each resolves and, when denied, builds Consul's text).</summary>
    [Benchmark]
    public int HttpReadPerRowCheck_AclOn() => Read(_on, _token);

    /// <summary>The middleware's token check, the edge's command check and the leader's (forwarded) command check.</summary>
    [Benchmark]
    public bool HttpWrite_AclOff() => _off.Authenticate(_token) is null && _off.CheckForwarded(_token, _register) is null && _off.CheckForwarded(_token, _register) is null;

    [Benchmark]
    public bool HttpWrite_AclOn() => _on.Authenticate(_token) is null && _on.CheckForwarded(_token, _register) is null && _on.CheckForwarded(_token, _register) is null;

    /// <summary>Stream open: the token resolves and grants service:write on the proxy's destination.</summary>
    [Benchmark]
    public bool XdsOpen_AclOn() => _on.Authenticate(_token) is null && _on.Check(_token, AclResource.Service, "svc-499", AclAccess.Write) is null;

    /// <summary>A cold resolve on a fresh cache: the token's 50 policies (500 rules) parsed and compiled.</summary>
    [Benchmark]
    public bool ColdResolve_AclOn()
        => new Mesh.Acl.Resolution.AuthorizerCache(new Mesh.Acl.Resolution.AclResolverOptions { DefaultPolicy = AclDefaultPolicy.Deny }).Resolve(_fsm.Current, _token.SecretId).Found;
}
