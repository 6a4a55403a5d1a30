using Mesh.Agent.Cli;
using Mesh.Agent.Hosting;
using Mesh.Ca.Tests.Support;
using Mesh.Testing;

namespace Mesh.Ca.Tests;

public sealed class AgentCaConfigTests
{
    [Fact]
    public async Task Server_WithConnectCaConfig_InitializesTheCaWithIt()
    {
        await using var server = await TestServer.StartAsync(config => config with
        {
            ConnectCaConfig = """{"private_key_type":"rsa","private_key_bits":2048,"leaf_cert_ttl":"24h"}""",
        });

        var root = await server.ActiveRootAsync();
        Assert.Equal("rsa", root.GetProperty("PrivateKeyType").GetString());
        Assert.Equal(2048, root.GetProperty("PrivateKeyBits").GetInt32());
        var config = (await server.GetJsonAsync("/v1/connect/ca/configuration")).GetProperty("Config");
        Assert.Equal("24h", config.GetProperty("LeafCertTTL").GetString());
        var leaf = await server.LeafAsync("web");
        Assert.Equal(TimeSpan.FromHours(24), leaf.Json.GetProperty("ValidBefore").GetDateTime() - leaf.Json.GetProperty("ValidAfter").GetDateTime());
        await ChainCheck.AssertVerifiesAsync(leaf.CertPem, await server.RootCertsAsync());
    }

    [Fact]
    public void ConfigFile_ConnectBlock_IsRead()
    {
        using var directory = new TempDirectory();
        var path = Path.Combine(directory.Path, "agent.json");
        File.WriteAllText(path, """{"connect":{"enabled":true,"ca_provider":"consul","ca_config":{"csr_max_per_second":10,"csr_max_concurrent":2}}}""");

        var config = AgentConfigFile.Apply(new AgentConfig(), path);

        Assert.Equal("consul", config.ConnectCaProvider);
        var parsed = Mesh.Ca.Config.CaConfigParser.ParseAgentConfig(config.ConnectCaProvider, config.ConnectCaConfig);
        Assert.Equal(10, parsed.CsrMaxPerSecond);
        Assert.Equal(2, parsed.CsrMaxConcurrent);
    }

    [Theory]
    [InlineData("""{"connect":{"ca_provider":"vault"}}""", "unknown CA provider \"vault\"")]
    [InlineData("""{"connect":{"ca_config":{"leaf_cert_ttl":"10m"}}}""", "LeafCertTTL must be greater or equal than 1h0m0s")]
    [InlineData("""{"connect":{"ca_confg":{}}}""", "invalid config key \"connect.ca_confg\"")]
    public void ConfigFile_BadConnectBlock_IsAUsageErrorNamingTheProblem(string json, string message)
    {
        using var directory = new TempDirectory();
        var path = Path.Combine(directory.Path, "agent.json");
        File.WriteAllText(path, json);

        var error = Assert.Throws<UsageException>(() => AgentConfigFile.Apply(new AgentConfig(), path));
        Assert.Contains(message, error.Message);
    }
}
