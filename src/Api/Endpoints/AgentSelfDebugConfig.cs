using System.Globalization;
using System.Text.Json;
using Mesh.Server;

namespace Mesh.Api.Endpoints;

/// <summary>
/// The parts of <c>/v1/agent/self</c> that describe this server's runtime configuration: <c>DebugConfig</c> with the
/// keys clients read (Consul's <c>RuntimeConfig</c> names), and the member's Serf tags (<c>bootstrap</c> in bootstrap
/// or dev mode, as Consul's server tags carry it).
/// </summary>
internal static class AgentSelfDebugConfig
{
    public static Dictionary<string, string> MemberTags(AgentIdentity self)
    {
        var tags = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["role"] = "consul",
            ["dc"] = self.Datacenter,
            ["id"] = self.NodeId,
            ["port"] = Text(self.ServerEndPoint.Port),
            ["build"] = MeshVersion.ConsulCompatible,
            ["vsn"] = "2",
            ["raft_vsn"] = "3",
            ["expect"] = "0",
            ["grpc_port"] = Text(self.GrpcPort),
        };
        if (self.GrpcTlsPort > 0)
        {
            tags["grpc_tls_port"] = Text(self.GrpcTlsPort);
        }

        if (self.Bootstrap || self.DevMode)
        {
            tags["bootstrap"] = "1";
        }

        return tags;
    }

    public static JsonElement For(ServerRuntime server)
    {
        var self = server.Self;
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteBoolean("ACLsEnabled", server.Access.Enabled);
            json.WriteString("AdvertiseAddrLAN", self.AdvertiseAddress);
            json.WriteString("AdvertiseAddrWAN", self.AdvertiseWanAddress);
            json.WriteString("BindAddr", self.ServerEndPoint.Address.ToString());
            json.WriteBoolean("Bootstrap", self.Bootstrap);
            json.WriteStartArray("ClientAddrs");
            foreach (var address in self.ClientAddresses)
            {
                json.WriteStringValue(address);
            }

            json.WriteEndArray();
            json.WriteBoolean("ConnectEnabled", true);
            json.WriteString("Datacenter", self.Datacenter);
            json.WriteBoolean("DevMode", self.DevMode);
            json.WriteNumber("GRPCPort", self.GrpcPort);
            json.WriteNumber("GRPCTLSPort", self.GrpcTlsPort);
            json.WriteNumber("HTTPPort", self.HttpPort);
            json.WriteNumber("HTTPSPort", self.HttpsPort);
            json.WriteString("NodeID", self.NodeId);
            json.WriteString("NodeName", self.NodeName);
            json.WriteString("PrimaryDatacenter", self.Datacenter);
            json.WriteString("RPCAdvertiseAddr", $"tcp://{self.AdvertiseAddress}:{Text(self.ServerEndPoint.Port)}");
            json.WriteNumber("ServerPort", self.ServerEndPoint.Port);
            json.WriteBoolean("ServerMode", true);
            json.WriteString("Version", MeshVersion.ConsulCompatible);
            json.WriteEndObject();
        }

        using var document = JsonDocument.Parse(buffer.ToArray());
        return document.RootElement.Clone();
    }

    public static JsonElement Stats(ServerRuntime server)
    {
        var self = server.Self;
        var raft = server.Raft;
        var state = server.Fsm.Current;
        var sections = new SortedDictionary<string, SortedDictionary<string, string>>(StringComparer.Ordinal)
        {
            ["agent"] = new(StringComparer.Ordinal)
            {
                ["check_monitors"] = "0",
                ["checks"] = Text(state.ChecksOnNode(self.NodeName).Count()),
                ["services"] = Text(state.ServicesOnNode(self.NodeName).Count()),
            },
            ["build"] = new(StringComparer.Ordinal) { ["prerelease"] = string.Empty, ["revision"] = string.Empty, ["version"] = MeshVersion.ConsulCompatible, ["mesh_version"] = self.Version },
            ["consul"] = new(StringComparer.Ordinal)
            {
                ["bootstrap"] = self.Bootstrap ? "true" : "false",
                ["known_datacenters"] = "1",
                ["leader"] = raft.IsLeader ? "true" : "false",
                ["leader_addr"] = raft.Leader is { } leader ? Mesh.Server.Cluster.ServerAddress.Format(leader) : string.Empty,
                ["server"] = "true",
            },
            ["raft"] = new(StringComparer.Ordinal)
            {
                ["applied_index"] = raft.AppliedIndex.ToString(CultureInfo.InvariantCulture),
                ["commit_index"] = raft.CommitIndex.ToString(CultureInfo.InvariantCulture),
                ["last_log_index"] = raft.LastLogIndex.ToString(CultureInfo.InvariantCulture),
                ["num_peers"] = Text(Math.Max(0, raft.Members.Count - 1)),
                ["protocol_version"] = "3",
                ["state"] = raft.IsLeader ? "Leader" : raft.Leader is null ? "Candidate" : "Follower",
                ["term"] = raft.Term.ToString(CultureInfo.InvariantCulture),
            },
            ["runtime"] = new(StringComparer.Ordinal)
            {
                ["arch"] = System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant(),
                ["cpu_count"] = Text(Environment.ProcessorCount),
                ["goroutines"] = Text(System.Threading.ThreadPool.ThreadCount),
                ["os"] = OperatingSystem.IsLinux() ? "linux" : OperatingSystem.IsMacOS() ? "darwin" : "windows",
                ["version"] = System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription,
            },
        };
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            foreach (var (section, values) in sections)
            {
                json.WriteStartObject(section);
                foreach (var (key, value) in values)
                {
                    json.WriteString(key, value);
                }

                json.WriteEndObject();
            }

            json.WriteEndObject();
        }

        using var document = JsonDocument.Parse(buffer.ToArray());
        return document.RootElement.Clone();
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
