using Mesh.Agent.Cli;
using Mesh.Agent.Hosting;
using Mesh.Testing;

namespace Mesh.XdsServer.Tests.Streams;

/// <summary>The agent config file's <c>xds</c> block.</summary>
public sealed class XdsAgentConfigTests
{
    [Fact]
    public void Apply_XdsBlock_SetsStreamCapCoalesceDelayAndUpdateRate()
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "agent.json");
        File.WriteAllText(path, """{"xds":{"max_streams":250,"coalesce_delay":"50ms","update_max_per_second":250}}""");

        var config = AgentConfigFile.Apply(new AgentConfig(), path);

        Assert.Equal(250, config.XdsMaxStreams);
        Assert.Equal(TimeSpan.FromMilliseconds(50), config.XdsCoalesceDelay);
        Assert.Equal(250, config.XdsUpdateMaxPerSecond);
        Assert.Equal(0, new AgentConfig().XdsUpdateMaxPerSecond);
        Assert.Equal(XdsServerOptions.DefaultMaxStreams, new AgentConfig().XdsMaxStreams);
    }

    [Theory]
    [InlineData("""{"xds":{"max_streams":0}}""", "xds.max_streams")]
    [InlineData("""{"xds":{"coalesce_delay":"1h"}}""", "xds.coalesce_delay")]
    [InlineData("""{"xds":{"update_max_per_second":-1}}""", "xds.update_max_per_second")]
    [InlineData("""{"xds":{"update_max_per_second":"fast"}}""", "xds.update_max_per_second")]
    public void Apply_BadXdsSetting_NamesTheKey(string json, string key)
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "agent.json");
        File.WriteAllText(path, json);

        var error = Assert.Throws<UsageException>(() => AgentConfigFile.Apply(new AgentConfig(), path));

        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }
}
