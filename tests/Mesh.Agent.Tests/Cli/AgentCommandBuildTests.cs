using Mesh.Agent.Cli;
using Mesh.Agent.Hosting;
using Mesh.Testing;

namespace Mesh.Agent.Tests.Cli;

public sealed class AgentCommandBuildTests
{
    private static AgentConfig Build(params string[] args)
    {
        var flags = AgentCommand.Flags();
        Assert.Empty(flags.Parse(args));
        return AgentCommand.Build(flags);
    }

    [Fact]
    public void Build_NoDataDirOutsideDev_IsUsageError()
    {
        var error = Assert.Throws<UsageException>(() => Build("-server"));
        Assert.Contains("-data-dir", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_Dev_NeedsNoDataDirAndBootstraps()
    {
        var config = Build("-dev");
        Assert.True(config.Dev);
        Assert.True(config.Server);
        Assert.True(config.Bootstrap);
        Assert.Null(config.DataDir);
        Assert.Equal(8500, config.HttpPort);
    }

    [Fact]
    public void Build_Flags_AreApplied()
    {
        var config = Build("-data-dir", "/tmp/x", "-node=n1", "-datacenter=dc2", "-bind=127.0.0.2", "-client", "127.0.0.1 127.0.0.3",
            "-http-port=18500", "-server-port", "18300", "-grpc-port=18502", "-retry-join=127.0.0.5:8300", "-retry-join=127.0.0.6:8300",
            "-bootstrap-expect=3", "-log-level=debug");
        Assert.Equal("/tmp/x", config.DataDir);
        Assert.Equal("n1", config.NodeName);
        Assert.Equal("dc2", config.Datacenter);
        Assert.Equal("127.0.0.2", config.BindAddress);
        Assert.Equal(["127.0.0.1", "127.0.0.3"], config.ClientAddresses);
        Assert.Equal(18500, config.HttpPort);
        Assert.Equal(18300, config.ServerPort);
        Assert.Equal(18502, config.GrpcPort);
        Assert.Equal(["127.0.0.5:8300", "127.0.0.6:8300"], config.RetryJoin);
        Assert.Equal(3, config.BootstrapExpect);
        Assert.Equal("debug", config.LogLevel);
    }

    [Theory]
    [InlineData("-bind=not-an-ip", "-bind")]
    [InlineData("-client=localhost", "-client")]
    [InlineData("-http-port=70000", "-http-port")]
    [InlineData("-log-level=loud", "-log-level")]
    [InlineData("-bootstrap-expect=-1", "-bootstrap-expect")]
    public void Build_InvalidValue_IsUsageErrorNamingTheFlag(string arg, string named)
    {
        var error = Assert.Throws<UsageException>(() => Build("-dev", arg));
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_BootstrapWithBootstrapExpect3_IsUsageError()
    {
        var error = Assert.Throws<UsageException>(() => Build("-data-dir=/tmp/x", "-bootstrap", "-bootstrap-expect=3"));
        Assert.Contains("cannot be combined", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_ConfigFile_UsesConsulKeyNames()
    {
        using var dir = new TempDirectory();
        var file = Write(dir, "agent.json", """
            {
              // Comments are allowed, as in Consul's HCL/JSON loader.
              "datacenter": "dc9", "node_name": "from-file", "data_dir": "/var/mesh", "bind_addr": "127.0.0.4",
              "client_addr": "127.0.0.1", "bootstrap_expect": 1, "retry_join": ["127.0.0.7:8300"], "log_level": "warn",
              "ports": { "http": 9500, "server": 9300, "grpc": 9502, "dns": 8600 }
            }
            """);
        var config = Build("-config-file", file);
        Assert.Equal("dc9", config.Datacenter);
        Assert.Equal("from-file", config.NodeName);
        Assert.Equal("/var/mesh", config.DataDir);
        Assert.Equal("127.0.0.4", config.BindAddress);
        Assert.Equal(1, config.BootstrapExpect);
        Assert.Equal(["127.0.0.7:8300"], config.RetryJoin);
        Assert.Equal("warn", config.LogLevel);
        Assert.Equal(9500, config.HttpPort);
        Assert.Equal(9300, config.ServerPort);
        Assert.Equal(9502, config.GrpcPort);
    }

    [Fact]
    public void Build_ConfigFileAutopilot_SetsDeadServerCleanup()
    {
        using var dir = new TempDirectory();
        var file = Write(dir, "autopilot.json", """{"data_dir":"/x","autopilot":{"cleanup_dead_servers":false,"dead_server_threshold":"2m"}}""");
        var config = Build("-config-file", file);
        Assert.False(config.Autopilot.CleanupDeadServers);
        Assert.Equal(TimeSpan.FromMinutes(2), config.Autopilot.DeadServerThreshold);
        Assert.True(new Mesh.Agent.Hosting.AgentConfig().Autopilot.CleanupDeadServers);
    }

    [Fact]
    public void Build_FlagsAndLaterFiles_OverrideEarlierFiles()
    {
        using var dir = new TempDirectory();
        var first = Write(dir, "a.json", """{"datacenter":"dc9","data_dir":"/var/a","node_name":"a"}""");
        var second = Write(dir, "b.json", """{"node_name":"b"}""");
        var config = Build("-config-file", first, "-config-file", second, "-datacenter=dc2");
        Assert.Equal("dc2", config.Datacenter);
        Assert.Equal("b", config.NodeName);
        Assert.Equal("/var/a", config.DataDir);
    }

    [Theory]
    [InlineData("""{"data_dir":"/x","bogus_key":1}""", "\"bogus_key\"")]
    [InlineData("""{"data_dir":"/x","ports":{"bogus":1}}""", "\"ports.bogus\"")]
    [InlineData("""{"data_dir":"/x","autopilot":{"bogus":1}}""", "\"autopilot.bogus\"")]
    public void Build_ConfigFileUnknownKey_IsRejectedNamingIt(string json, string named)
    {
        using var dir = new TempDirectory();
        var file = Write(dir, "bad.json", json);
        var error = Assert.Throws<UsageException>(() => Build("-config-file", file));
        Assert.Contains("invalid config key " + named, error.Message, StringComparison.Ordinal);
        Assert.Contains(file, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"data_dir":"/x","bootstrap_expect":"three"}""", "\"bootstrap_expect\" must be an integer")]
    [InlineData("""{"data_dir":"/x","server":"yes"}""", "\"server\" must be true or false")]
    [InlineData("""{"data_dir":"/x","autopilot":{"dead_server_threshold":"soon"}}""", "\"autopilot.dead_server_threshold\" must be a duration")]
    [InlineData("""["not","an","object"]""", "must be a JSON object")]
    [InlineData("""{"data_dir":""", "Error reading config file")]
    public void Build_ConfigFileBadValue_IsUsageError(string json, string expected)
    {
        using var dir = new TempDirectory();
        var file = Write(dir, "bad.json", json);
        var error = Assert.Throws<UsageException>(() => Build("-config-file", file));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_MissingConfigFile_IsUsageError()
    {
        var error = Assert.Throws<UsageException>(() => Build("-config-file", "/nonexistent/mesh.json"));
        Assert.Contains("Error reading config file /nonexistent/mesh.json", error.Message, StringComparison.Ordinal);
    }

    private static string Write(TempDirectory dir, string name, string json)
    {
        var path = Path.Combine(dir.Path, name);
        File.WriteAllText(path, json);
        return path;
    }

    [Fact]
    public void Build_DevWithAConfigFile_TurnsAclsOn()
    {
        using var directory = new TempDirectory();
        var file = System.IO.Path.Combine(directory.Path, "acl.json");
        var secret = Guid.NewGuid().ToString();
        File.WriteAllText(file, """{"acl":{"enabled":true,"default_policy":"deny","tokens":{"initial_management":""" + "\"" + secret + "\"}}}");

        var config = Build("-dev", "-config-file", file);

        Assert.True(config.Dev);
        Assert.True(config.Acl.Enabled);
        Assert.Equal(Mesh.Acl.Authorization.AclDefaultPolicy.Deny, config.Acl.DefaultPolicy);
        Assert.Equal(secret, config.Acl.Tokens.InitialManagement);
    }
}
