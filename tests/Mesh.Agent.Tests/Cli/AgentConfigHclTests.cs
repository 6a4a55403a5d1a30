using System.Text.Json.Nodes;
using Mesh.Agent.Cli;
using Mesh.Agent.Hosting;
using Mesh.Testing;

namespace Mesh.Agent.Tests.Cli;

/// <summary>Agent config files in HCL, <c>-config-dir</c>, and how keys Mesh does not implement are warned about or refused.</summary>
public sealed class AgentConfigHclTests
{
    private static AgentConfig Build(params string[] args)
    {
        var flags = AgentCommand.Flags();
        Assert.Empty(flags.Parse(args));
        return AgentCommand.Build(flags);
    }

    private static string Write(TempDirectory dir, string name, string text)
    {
        var path = Path.Combine(dir.Path, name);
        File.WriteAllText(path, text);
        return path;
    }

    /// <summary>A JSON file setting the dotted key (<c>ports.dns</c> gives <c>{"ports":{"dns":1}}</c>).</summary>
    private static string JsonSetting(string dottedKey)
    {
        var parts = dottedKey.Split('.');
        JsonNode value = 1;
        for (var i = parts.Length - 1; i >= 0; i--)
        {
            value = new JsonObject { [parts[i]] = value };
        }

        return value.ToJsonString();
    }

    [Fact]
    public void HclFile_IsReadLikeTheSameJson()
    {
        using var dir = new TempDirectory();
        var hcl = Write(dir, "server.hcl", """
            # a Consul server config, as HCL
            datacenter = "dc7"
            node_name  = "s1"
            data_dir   = "/tmp/mesh-hcl"
            server     = true
            bootstrap_expect = 3
            retry_join = ["10.0.0.1:8300", "10.0.0.2:8300"]
            retry_interval = "5s"
            ports {
              http     = -1
              https    = 8501
              grpc_tls = 8503
              sidecar_min_port = 22000
              sidecar_max_port = 22100
            }
            tls {
              defaults {
                ca_file   = "ca.pem"
                cert_file = "server.pem"
                key_file  = "server-key.pem"
                verify_incoming = true
              }
              internal_rpc { verify_server_hostname = true }
            }
            acl {
              enabled        = true
              default_policy = "deny"
              tokens { initial_management = "00000000-0000-0000-0000-000000000001" }
            }
            autopilot { cleanup_dead_servers = false }
            xds { max_streams = 50 }
            """);
        var config = Build("-config-file", hcl);
        Assert.Equal("dc7", config.Datacenter);
        Assert.Equal("s1", config.NodeName);
        Assert.Equal(3, config.BootstrapExpect);
        Assert.Equal(["10.0.0.1:8300", "10.0.0.2:8300"], config.RetryJoin);
        Assert.Equal(TimeSpan.FromSeconds(5), config.RetryInterval);
        Assert.Equal(-1, config.HttpPort);
        Assert.Equal(8501, config.HttpsPort);
        Assert.Equal(8503, config.GrpcTlsPort);
        Assert.Equal(22000, config.SidecarMinPort);
        Assert.Equal(22100, config.SidecarMaxPort);
        Assert.Equal("ca.pem", config.Tls.Defaults.CaFile);
        Assert.True(config.Tls.Defaults.VerifyIncoming);
        Assert.True(config.Tls.InternalRpc.VerifyServerHostname);
        Assert.True(config.Acl.Enabled);
        Assert.Equal("00000000-0000-0000-0000-000000000001", config.Acl.Tokens.InitialManagement);
        Assert.False(config.Autopilot.CleanupDeadServers);
        Assert.Equal(50, config.XdsMaxStreams);
        Assert.Empty(config.ConfigWarnings);
    }

    [Fact]
    public void ConfigDir_ReadsJsonAndHclInNameOrder_AndSkipsOtherFiles()
    {
        using var dir = new TempDirectory();
        Write(dir, "10-base.json", """{"datacenter": "dc1", "node_name": "first", "log_level": "debug"}""");
        Write(dir, "20-override.hcl", "node_name = \"second\"\n");
        Write(dir, "30-notes.txt", "this is not config");
        Write(dir, "README", "neither is this");
        Directory.CreateDirectory(Path.Combine(dir.Path, "sub.hcl"));

        var config = Build("-dev", "-config-dir", dir.Path);
        Assert.Equal("second", config.NodeName);
        Assert.Equal("debug", config.LogLevel);
    }

    [Fact]
    public void ConfigFormat_ReadsAnyExtensionAsTheGivenLanguage()
    {
        using var dir = new TempDirectory();
        var file = Write(dir, "agent.conf", "node_name = \"from-conf\"\n");
        Assert.Equal("from-conf", Build("-dev", "-config-format", "hcl", "-config-file", file).NodeName);

        var sniffed = Write(dir, "agent.cfg", "node_name = \"sniffed\"\n");
        Assert.Equal("sniffed", Build("-dev", "-config-file", sniffed).NodeName);
    }

    [Fact]
    public void BadHcl_IsAUsageErrorNamingFileLineAndColumn()
    {
        using var dir = new TempDirectory();
        var file = Write(dir, "bad.hcl", "datacenter = \"dc1\"\nports {\n  http = \n}\n");
        var error = Assert.Throws<UsageException>(() => Build("-dev", "-config-file", file));
        Assert.Equal($"Error parsing {file}: At 4:1: expected a value (string, number, bool, list or object), found '}}'", error.Message);
    }

    [Fact]
    public async Task Agent_WithBadHcl_RefusesToStartWithTheMessage()
    {
        using var dir = new TempDirectory();
        var file = Write(dir, "bad.hcl", "server = yes\n");
        var result = await Cli.RunAsync("agent", "-dev", "-http-port", "-1", "-grpc-port", "-1", "-config-file", file);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains($"Error parsing {file}: At 1:10: unknown value yes", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("Mesh agent running", result.Out, StringComparison.Ordinal);
    }

    public static TheoryData<string> IgnoredKeys() => [.. UnimplementedConfigKeys.IgnoredKeys];

    public static TheoryData<string> RefusedKeys() => [.. UnimplementedConfigKeys.RefusedKeys];

    [Theory]
    [MemberData(nameof(IgnoredKeys))]
    public void KeyThatDoesNotApply_IsAcceptedWithAWarningNamingKeyAndFile(string key)
    {
        using var dir = new TempDirectory();
        var file = Write(dir, "c.json", JsonSetting(key));
        var config = Build("-dev", "-config-file", file);
        var warning = Assert.Single(config.ConfigWarnings);
        Assert.StartsWith($"config key \"{key}\" in {file} has no effect in Mesh: ", warning, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(RefusedKeys))]
    public void UnsupportedKey_IsRefusedNamingKeyAndFile(string key)
    {
        using var dir = new TempDirectory();
        var file = Write(dir, "c.json", JsonSetting(key));
        var error = Assert.Throws<UsageException>(() => Build("-dev", "-config-file", file));
        Assert.StartsWith($"Error reading config file {file}: config key \"{key}\" is not supported by Mesh: ", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("datacenterr = \"dc1\"", "datacenterr")]
    [InlineData("ports { htp = 1 }", "ports.htp")]
    [InlineData("autopilot { cleanup = true }", "autopilot.cleanup")]
    [InlineData("acl { tokens { agnet = \"x\" } }", "acl.tokens.agnet")]
    [InlineData("connect { ca_providr = \"consul\" }", "connect.ca_providr")]
    [InlineData("xds { max_stream = 1 }", "xds.max_stream")]
    public void Typo_IsRefusedAsAnInvalidKey(string hcl, string key)
    {
        using var dir = new TempDirectory();
        var file = Write(dir, "c.hcl", hcl);
        var error = Assert.Throws<UsageException>(() => Build("-dev", "-config-file", file));
        Assert.Equal($"Error reading config file {file}: invalid config key \"{key}\"", error.Message);
    }

    [Fact]
    public void ConnectDisabled_IsWarnedAbout()
    {
        using var dir = new TempDirectory();
        var file = Write(dir, "c.hcl", "connect { enabled = false }");
        var config = Build("-dev", "-config-file", file);
        Assert.Contains("\"connect.enabled\"", Assert.Single(config.ConfigWarnings), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Agent_PrintsConfigWarningsWhenItStarts()
    {
        using var dir = new TempDirectory();
        var file = Write(dir, "c.hcl", "encrypt = \"pUqJrVyVRj5jsiYEkM/tFQYfWyJIv4s3XkvDwy7Cu5s=\"\nleave_on_terminate = true\n");
        using var stop = new CancellationTokenSource();
        using var output = new StringWriter();
        using var error = new StringWriter();
        var run = CommandLine.RunAsync(
            ["agent", "-dev", "-http-port", FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture), "-grpc-port", "-1",
             "-server-port", FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture), "-config-file", file],
            new CliConsole(TextWriter.Synchronized(output), TextWriter.Synchronized(error)), stop.Token);
        await Eventually.ValueAsync(() => Task.FromResult(output.ToString()), text => text.Contains("Mesh agent running", StringComparison.Ordinal) || run.IsCompleted, TimeSpan.FromSeconds(60), "the agent to start");
        await stop.CancelAsync();
        Assert.Equal(0, await run.WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains($"==> Warning: config key \"encrypt\" in {file} has no effect in Mesh", error.ToString(), StringComparison.Ordinal);
        Assert.Contains($"==> Warning: config key \"leave_on_terminate\" in {file} has no effect in Mesh", error.ToString(), StringComparison.Ordinal);
    }
}
