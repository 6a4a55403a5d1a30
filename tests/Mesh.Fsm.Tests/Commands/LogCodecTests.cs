using MessagePack;
using Mesh.Fsm.Commands;
using Mesh.Fsm.Model;
using Mesh.Fsm.Tests.Support;

namespace Mesh.Fsm.Tests.Commands;

public sealed class LogCodecTests
{
    private static RegisterCommand FullRegister() => new()
    {
        Node = "n1",
        NodeId = "2f1a2c3d-0000-4000-8000-000000000001",
        Address = "10.0.0.1",
        Datacenter = "dc1",
        TaggedAddresses = new Dictionary<string, string> { ["lan"] = "10.0.0.1", ["wan"] = "192.0.2.1" },
        NodeMeta = new Dictionary<string, string> { ["rack"] = "r1" },
        SkipNodeUpdate = true,
        Service = Catalog.Sidecar("web-proxy", "web") with
        {
            Tags = ["v1", "canary"],
            Meta = new Dictionary<string, string> { ["version"] = "2" },
            TaggedAddresses = new Dictionary<string, ServiceAddress> { ["lan"] = new() { Address = "10.0.0.1", Port = 21000 } },
            Weights = new ServiceWeights { Passing = 3, Warning = 1 },
            EnableTagOverride = true,
            SocketPath = "/tmp/sock",
            Proxy = Catalog.Sidecar("web-proxy", "web").Proxy with
            {
                Mode = "transparent",
                Config = new JsonBlob("{\"protocol\":\"http\"}"),
                Upstreams = [new Upstream { DestinationName = "db", LocalBindPort = 9000, MeshGateway = new MeshGatewayConfig { Mode = "local" } }],
                TransparentProxy = new TransparentProxyConfig { OutboundListenerPort = 15001, DialedDirectly = true },
                Expose = new ExposeConfig { Checks = true, Paths = [new ExposePath { ListenerPort = 21500, Path = "/metrics", LocalPathPort = 9102, Protocol = "http" }] },
            },
        },
        Checks =
        [
            Catalog.ServiceCheck("proxy-alive", "web-proxy", HealthStatus.Warning) with
            {
                Notes = "notes",
                Output = "out",
                Type = "http",
                Interval = "10s",
                Timeout = "2s",
                Definition = new CheckDefinition
                {
                    HTTP = "http://127.0.0.1:21000/ready",
                    Method = "GET",
                    Header = new Dictionary<string, IReadOnlyList<string>> { ["X-A"] = ["1", "2"] },
                    TLSSkipVerify = true,
                    Interval = "10s",
                    DeregisterCriticalServiceAfter = "90m",
                },
            },
            Catalog.NodeCheck("serfHealth"),
        ],
    };

    public static TheoryData<string> CommandTypes => ["register", "register-native", "deregister-node", "deregister-service", "deregister-check", "update-check", "batch", "restore-state"];

    private static Command CommandOf(string type) => type switch
    {
        "register" => FullRegister(),
        "register-native" => Catalog.Register("n1", Catalog.Native("api", "api")),
        "deregister-node" => Catalog.DeregisterNode("n1"),
        "deregister-service" => Catalog.DeregisterService("n1", "web"),
        "deregister-check" => Catalog.DeregisterCheck("n1", "serfHealth"),
        "update-check" => Catalog.Update("n1", "serfHealth", HealthStatus.Critical, "timed out"),
        "batch" => Catalog.Batch(FullRegister(), Catalog.Update("n1", "x", HealthStatus.Passing), Catalog.Batch(Catalog.DeregisterNode("n2"))),
        "restore-state" => new RestoreStateCommand { State = [0x96, 0x01, 0x02, 0x90, 0x90, 0x90, 0x90] },
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    [Theory]
    [MemberData(nameof(CommandTypes))]
    public void Decode_OfEncode_GivesSameCommand(string type)
    {
        var record = Catalog.Record(CommandOf(type), stamp: 1_712_345_678_901);

        var bytes = LogCodec.Encode(record);
        var decoded = LogCodec.Decode(bytes);

        Assert.Equal(record.Command.GetType(), decoded.Command.GetType());
        Assert.Equal(LogRecord.CurrentFormat, decoded.Format);
        Assert.Equal(1_712_345_678_901, decoded.StampedUnixMilliseconds);
        Assert.Equal(bytes, LogCodec.Encode(decoded));
    }

    [Fact]
    public void Decode_FullRegister_KeepsEveryField()
    {
        var original = FullRegister();

        var decoded = Assert.IsType<RegisterCommand>(LogCodec.Decode(LogCodec.Encode(Catalog.Record(original))).Command);

        Assert.Equal(original.NodeId, decoded.NodeId);
        Assert.Equal(original.TaggedAddresses, decoded.TaggedAddresses);
        Assert.True(decoded.SkipNodeUpdate);
        var service = decoded.Service!;
        Assert.Equal(ServiceKind.ConnectProxy, service.Kind);
        Assert.Equal("web", service.Proxy.DestinationServiceName);
        Assert.Equal("{\"protocol\":\"http\"}", service.Proxy.Config.Json);
        Assert.Equal("db", Assert.Single(service.Proxy.Upstreams).DestinationName);
        Assert.Equal("local", service.Proxy.Upstreams[0].MeshGateway.Mode);
        Assert.Equal(15001, service.Proxy.TransparentProxy.OutboundListenerPort);
        Assert.Equal("/metrics", Assert.Single(service.Proxy.Expose.Paths).Path);
        Assert.Equal(3, service.Weights.Passing);
        Assert.Equal(21000, service.TaggedAddresses["lan"].Port);
        Assert.Equal(["1", "2"], decoded.Checks[0].Definition.Header["X-A"]);
        Assert.Equal("90m", decoded.Checks[0].Definition.DeregisterCriticalServiceAfter);
        Assert.Equal(HealthStatus.Warning, decoded.Checks[0].Status);
    }

    [Fact]
    public void Decode_NestedBatch_KeepsOrderAndTypes()
    {
        var decoded = Assert.IsType<BatchCommand>(LogCodec.Decode(LogCodec.Encode(Catalog.Record(CommandOf("batch")))).Command);

        Assert.Collection(
            decoded.Commands,
            c => Assert.IsType<RegisterCommand>(c),
            c => Assert.Equal("x", Assert.IsType<UpdateCheckCommand>(c).CheckId),
            c => Assert.Equal("n2", Assert.IsType<DeregisterCommand>(Assert.Single(Assert.IsType<BatchCommand>(c).Commands)).Node));
    }

    [Fact]
    public void Decode_ReadOnlySequenceOverload_MatchesMemoryOverload()
    {
        var bytes = LogCodec.Encode(Catalog.Record(FullRegister()));

        var decoded = LogCodec.Decode(new System.Buffers.ReadOnlySequence<byte>(bytes));

        Assert.Equal(bytes, LogCodec.Encode(decoded));
    }

    [Fact]
    public void Decode_FutureFormat_IsRejected()
    {
        var bytes = LogCodec.Encode(Catalog.Record(Catalog.Node("n1")) with { Format = LogRecord.CurrentFormat + 1 });

        var error = Assert.Throws<InvalidDataException>(() => LogCodec.Decode(bytes));
        Assert.Contains("format", error.Message, StringComparison.Ordinal);
    }

    /// <summary>[format, command, stamp] around an already encoded command (format and stamp as positive fixints).</summary>
    private static byte[] RawRecord(byte[] command) => [0x93, (byte)LogRecord.CurrentFormat, .. command, 0x00];

    /// <summary>A union entry [tag, body] with a tag no build has used yet (what a newer leader's new command looks like).</summary>
    private static byte[] UnknownCommand() => [0x92, 0x63, 0x90];

    /// <summary>A batch (union tag 4) whose body holds the given encoded commands.</summary>
    private static byte[] BatchOf(byte[] command) => [0x92, 0x04, 0x91, 0x91, .. command];

    [Fact]
    public void Decode_UnknownCommandType_IsRejectedAsInvalidData()
    {
        Assert.Throws<InvalidDataException>(() => LogCodec.Decode(RawRecord(UnknownCommand())));
    }

    [Fact]
    public void Decode_UnknownCommandTypeInsideBatch_IsRejectedAsInvalidData()
    {
        var known = RawRecord(BatchOf(MessagePackSerializer.Serialize<Command>(Catalog.DeregisterNode("n1"), LogCodec.Options)));
        Assert.IsType<DeregisterCommand>(Assert.Single(Assert.IsType<BatchCommand>(LogCodec.Decode(known).Command).Commands));

        Assert.Throws<InvalidDataException>(() => LogCodec.Decode(RawRecord(BatchOf(UnknownCommand()))));
    }

    [Fact]
    public void Decode_NilRecordOrNilCommand_IsRejectedAsInvalidData()
    {
        Assert.Throws<InvalidDataException>(() => LogCodec.Decode(new byte[] { 0xc0 }));
        Assert.Throws<InvalidDataException>(() => LogCodec.Decode(new byte[] { 0x90 }));
        Assert.Throws<InvalidDataException>(() => LogCodec.Decode(RawRecord([0xc0])));
    }

    [Fact]
    public void Decode_Truncated_Throws()
    {
        var bytes = LogCodec.Encode(Catalog.Record(FullRegister()));

        for (var length = 0; length < bytes.Length; length += 7)
        {
            var prefix = bytes.AsMemory(0, length);
            var error = Record.Exception(() => LogCodec.Decode(prefix));
            Assert.True(error is MessagePackSerializationException or InvalidDataException, $"a record truncated to {length} bytes gave {error?.GetType().Name ?? "no error"}");
        }
    }

    [Fact]
    public void UnionTags_AreStable()
    {
        // The tags are written into every log on disk; renumbering one would make old logs decode as the wrong command.
        var tags = typeof(Command).GetCustomAttributes(typeof(UnionAttribute), false).Cast<UnionAttribute>()
            .ToDictionary(u => u.Key, u => u.SubType);

        Assert.Equal(typeof(RegisterCommand), tags[1]);
        Assert.Equal(typeof(DeregisterCommand), tags[2]);
        Assert.Equal(typeof(UpdateCheckCommand), tags[3]);
        Assert.Equal(typeof(BatchCommand), tags[4]);
        Assert.Equal(typeof(RestoreStateCommand), tags[5]);
    }
}
