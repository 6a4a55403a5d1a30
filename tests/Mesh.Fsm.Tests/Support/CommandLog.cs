using Mesh.Fsm.Commands;
using Mesh.Fsm.Model;

namespace Mesh.Fsm.Tests.Support;

/// <summary>
/// A realistic, seeded catalog command log: nodes with serfHealth checks, typical services with tags, meta and checks,
/// connect-proxy sidecars, native services, gateways, check updates, deregistrations, batches, and a share of commands
/// the FSM refuses. The same seed always gives the same log.
/// </summary>
public static class CommandLog
{
    private static readonly string[] Names = ["web", "db", "api", "cache", "payments", "Web"];
    private static readonly string[] Statuses = [HealthStatus.Passing, HealthStatus.Warning, HealthStatus.Critical];

    public static IReadOnlyList<LogRecord> Build(int count = 400, int seed = 20240611)
    {
        var random = new Random(seed);
        var model = new Model();
        var records = new List<LogRecord>(count);
        for (var i = 0; i < count; i++)
        {
            records.Add(new LogRecord
            {
                Command = i == count * 3 / 4 ? Restore(model) : i == count / 3 ? new RestoreStateCommand { State = [0x96, 0xff] } : NextCommand(random, model),
                StampedUnixMilliseconds = 1_700_000_000_000 + (i * 250L),
            });
        }

        return records;
    }

    private static Command NextCommand(Random random, Model model)
    {
        var roll = random.Next(100);
        return roll switch
        {
            < 15 => RegisterNode(random, model),
            < 37 => RegisterService(random, model),
            < 45 => RegisterSidecar(random, model),
            < 50 => RegisterNative(random, model),
            < 52 => RegisterGateway(random, model),
            < 67 => UpdateCheck(random, model),
            < 73 => DeregisterService(random, model),
            < 76 => DeregisterCheck(random, model),
            < 78 => DeregisterNode(random, model),
            < 86 => Batch(random, model),
            _ => Refused(random, model),
        };
    }

    private static RegisterCommand RegisterNode(Random random, Model model)
    {
        var node = model.Nodes.Count < 3 || random.Next(3) == 0 ? $"node-{random.Next(12)}" : model.AnyNode(random);
        model.AddNode(node);
        return NodeCommand(random, node) with { Checks = [Catalog.NodeCheck("serfHealth", HealthStatus.Passing)] };
    }

    private static RegisterCommand NodeCommand(Random random, string node) => new()
    {
        Node = node,
        NodeId = Model.IdOf(node),
        Address = $"10.0.{random.Next(2)}.{NodeNumber(node)}",
        Datacenter = "dc1",
        TaggedAddresses = new Dictionary<string, string> { ["lan"] = $"10.0.0.{NodeNumber(node)}", ["wan"] = $"192.0.2.{NodeNumber(node)}" },
        NodeMeta = random.Next(2) == 0 ? EmptyMap.Strings : new Dictionary<string, string> { ["rack"] = $"r{random.Next(3)}", ["az"] = "a" },
    };

    private static RegisterCommand RegisterService(Random random, Model model)
    {
        var node = model.AnyNodeOrNew(random);
        var name = Names[random.Next(Names.Length)];
        var id = $"{name.ToLowerInvariant()}-{random.Next(3)}";
        var service = Catalog.Service(id, name, 8000 + random.Next(50), random.Next(2) == 0 ? ["v1"] : ["v2", "canary"]) with
        {
            Meta = new Dictionary<string, string> { ["version"] = $"{random.Next(3)}", ["team"] = "core" },
            Address = random.Next(3) == 0 ? "10.1.0.1" : string.Empty,
            TaggedAddresses = random.Next(4) == 0
                ? new Dictionary<string, ServiceAddress> { ["lan"] = new() { Address = "10.1.0.1", Port = 8000 } }
                : new Dictionary<string, ServiceAddress>(),
        };
        HealthCheck[] checks = random.Next(2) == 0
            ? [Catalog.ServiceCheck($"service:{id}", id, Statuses[random.Next(Statuses.Length)]) with
            {
                Type = "http",
                Interval = "10s",
                Definition = new CheckDefinition
                {
                    HTTP = $"http://127.0.0.1:{service.Port}/health",
                    Interval = "10s",
                    Header = new Dictionary<string, IReadOnlyList<string>> { ["X-Probe"] = ["1", "2"] },
                },
            }]
            : [];
        model.AddService(node, id, checks.Select(c => c.CheckId));
        return NodeCommand(random, node) with { Service = service, Checks = checks, SkipNodeUpdate = random.Next(2) == 0 };
    }

    private static RegisterCommand RegisterSidecar(Random random, Model model)
    {
        var node = model.AnyNodeOrNew(random);
        var destination = Names[random.Next(Names.Length - 1)];
        var id = $"{destination}-sidecar-proxy";
        var sidecar = Catalog.Sidecar(id, destination, 21000 + random.Next(10)) with
        {
            Proxy = Catalog.Sidecar(id, destination).Proxy with
            {
                Config = new JsonBlob("{\"protocol\":\"http\"}"),
                Upstreams = [new Upstream { DestinationName = Names[random.Next(Names.Length - 1)], LocalBindPort = 9000 + random.Next(5) }],
                Mode = random.Next(2) == 0 ? string.Empty : "transparent",
            },
        };
        var check = Catalog.ServiceCheck($"service:{id}", id) with { Type = "tcp", Definition = new CheckDefinition { TCP = "127.0.0.1:21000", Interval = "10s" } };
        model.AddService(node, id, [check.CheckId]);
        return NodeCommand(random, node) with { Service = sidecar, Checks = [check], SkipNodeUpdate = true };
    }

    private static RegisterCommand RegisterNative(Random random, Model model)
    {
        var node = model.AnyNodeOrNew(random);
        var name = random.Next(2) == 0 ? "vault" : "api";
        var id = $"{name}-native";
        model.AddService(node, id, []);
        return NodeCommand(random, node) with { Service = Catalog.Native(id, name), SkipNodeUpdate = true };
    }

    private static RegisterCommand RegisterGateway(Random random, Model model)
    {
        var node = model.AnyNodeOrNew(random);
        var gateway = new NodeService
        {
            Kind = random.Next(2) == 0 ? ServiceKind.MeshGateway : ServiceKind.TerminatingGateway,
            Id = "gateway",
            Service = "gateway",
            Port = 8443,
            Proxy = new ConnectProxyConfig { MeshGateway = new MeshGatewayConfig { Mode = "local" } },
        };
        model.AddService(node, gateway.Id, []);
        return NodeCommand(random, node) with { Service = gateway, SkipNodeUpdate = true };
    }

    private static UpdateCheckCommand UpdateCheck(Random random, Model model)
    {
        if (model.Checks.Count == 0 || random.Next(20) == 0)
        {
            return Catalog.Update(model.AnyNodeOrNew(random), "no-such-check", HealthStatus.Critical);
        }

        var (node, checkId) = model.Checks[random.Next(model.Checks.Count)];
        var status = random.Next(25) == 0 ? "sideways" : Statuses[random.Next(Statuses.Length)];
        return Catalog.Update(node, checkId, status, random.Next(2) == 0 ? string.Empty : $"HTTP GET: {random.Next(3) * 100 + 200}");
    }

    private static DeregisterCommand DeregisterService(Random random, Model model)
    {
        if (model.Services.Count == 0)
        {
            return Catalog.DeregisterService(model.AnyNodeOrNew(random), "nothing");
        }

        var (node, id) = model.Services[random.Next(model.Services.Count)];
        model.RemoveService(node, id);
        return Catalog.DeregisterService(node, id);
    }

    private static DeregisterCommand DeregisterCheck(Random random, Model model)
    {
        if (model.Checks.Count == 0)
        {
            return Catalog.DeregisterCheck(model.AnyNodeOrNew(random), "nothing");
        }

        var (node, id) = model.Checks[random.Next(model.Checks.Count)];
        model.Checks.Remove((node, id));
        return Catalog.DeregisterCheck(node, id);
    }

    private static DeregisterCommand DeregisterNode(Random random, Model model)
    {
        var node = model.AnyNodeOrNew(random);
        model.RemoveNode(node);
        return Catalog.DeregisterNode(node);
    }

    private static BatchCommand Batch(Random random, Model model)
    {
        var commands = new List<Command> { RegisterService(random, model), RegisterSidecar(random, model), UpdateCheck(random, model) };
        if (random.Next(3) == 0)
        {
            commands.Add(Refused(random, model));
        }

        return Catalog.Batch([.. commands]);
    }

    private static Command Refused(Random random, Model model) => random.Next(4) switch
    {
        0 => Catalog.Register(model.AnyNodeOrNew(random), null, Catalog.ServiceCheck("orphan", "missing-service")),
        1 => Catalog.Register(string.Empty, Catalog.Service("web-x", "web")),
        2 => Catalog.Update(model.AnyNodeOrNew(random), "serfHealth", "bogus"),
        _ => model.Nodes.Count == 0
            ? Catalog.Update("node-0", "none", HealthStatus.Passing)
            : Catalog.Node("impostor-" + random.Next(5)) with { NodeId = Model.IdOf(model.AnyNode(random)) },
    };

    /// <summary>An operator snapshot restore of a small catalog, taken from a real store.</summary>
    private static RestoreStateCommand Restore(Model model)
    {
        var source = new StateMachine();
        source.Apply(1, Catalog.Record(Catalog.Register("node-0", Catalog.Service("web-0", "web"), Catalog.NodeCheck("serfHealth"))));
        source.Apply(2, Catalog.Record(Catalog.Register("node-0", Catalog.Sidecar("web-sidecar-proxy", "web"), Catalog.ServiceCheck("service:web-sidecar-proxy", "web-sidecar-proxy"))));
        source.Apply(3, Catalog.Record(Catalog.Register("node-1", Catalog.Native("api-native", "api"), Catalog.NodeCheck("serfHealth"))));
        model.Nodes.Clear();
        model.Services.Clear();
        model.Checks.Clear();
        model.AddService("node-0", "web-0", []);
        model.AddService("node-0", "web-sidecar-proxy", ["service:web-sidecar-proxy"]);
        model.AddService("node-1", "api-native", []);
        return new RestoreStateCommand { State = Mesh.Fsm.State.StoreSnapshotCodec.Serialize(source.Current) };
    }

    private static int NodeNumber(string node) => int.Parse(node.AsSpan(node.LastIndexOf('-') + 1), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>What the generator believes exists, so that most commands refer to real rows.</summary>
    private sealed class Model
    {
        public List<string> Nodes { get; } = [];

        public List<(string Node, string Id)> Services { get; } = [];

        public List<(string Node, string Id)> Checks { get; } = [];

        public static string IdOf(string node) => $"00000000-0000-4000-8000-{NodeNumber(node):D12}";

        public string AnyNode(Random random) => Nodes[random.Next(Nodes.Count)];

        public string AnyNodeOrNew(Random random)
        {
            if (Nodes.Count == 0)
            {
                AddNode("node-0");
            }

            return AnyNode(random);
        }

        public void AddNode(string node)
        {
            if (!Nodes.Contains(node))
            {
                Nodes.Add(node);
                Checks.Add((node, "serfHealth"));
            }
        }

        public void AddService(string node, string id, IEnumerable<string> checkIds)
        {
            AddNode(node);
            if (!Services.Contains((node, id)))
            {
                Services.Add((node, id));
            }

            foreach (var checkId in checkIds.Where(c => !Checks.Contains((node, c))))
            {
                Checks.Add((node, checkId));
            }
        }

        public void RemoveService(string node, string id)
        {
            Services.Remove((node, id));
            Checks.Remove((node, $"service:{id}"));
        }

        public void RemoveNode(string node)
        {
            Nodes.Remove(node);
            Services.RemoveAll(s => s.Node == node);
            Checks.RemoveAll(c => c.Node == node);
        }
    }
}
