using Mesh.Acl.Authorization;
using Mesh.Agent.Cli;
using Mesh.Agent.Hosting;
using Mesh.Testing;

namespace Mesh.Agent.Tests.Cli;

public sealed class AclConfigSectionTests
{
    private static AgentConfig Read(string json)
    {
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "agent.json");
        File.WriteAllText(path, json);
        return AgentConfigFile.Apply(new AgentConfig(), path);
    }

    [Fact]
    public void AclBlock_IsRead()
    {
        const string secret = "b1gs3cr1-0000-4000-8000-000000000001";
        var config = Read("""
            {"acl": {"enabled": true, "default_policy": "deny", "down_policy": "async-cache", "enable_token_persistence": true,
                     "token_ttl": "30s",
                     "tokens": {"initial_management": "SECRET", "agent": "a", "default": "d", "agent_recovery": "r"}}}
            """.Replace("SECRET", secret, StringComparison.Ordinal)).Acl;

        Assert.True(config.Enabled);
        Assert.Equal(AclDefaultPolicy.Deny, config.DefaultPolicy);
        Assert.Equal("async-cache", config.DownPolicy);
        Assert.True(config.EnableTokenPersistence);
        Assert.Equal(secret, config.Tokens.InitialManagement);
        Assert.Equal("a", config.Tokens.Agent);
        Assert.Equal("d", config.Tokens.Default);
        Assert.Equal("r", config.Tokens.AgentRecovery);
        Assert.DoesNotContain(secret, config.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(secret, config.Tokens.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void AclBlock_DefaultsAndLegacyTokenNames()
    {
        var config = Read("""{"acl": {"tokens": {"master": "m", "agent_master": "am"}}}""").Acl;

        Assert.False(config.Enabled);
        Assert.Equal(AclDefaultPolicy.Allow, config.DefaultPolicy);
        Assert.Equal("extend-cache", config.DownPolicy);
        Assert.Equal("m", config.Tokens.InitialManagement);
        Assert.Equal("am", config.Tokens.AgentRecovery);
        Assert.False(new AgentConfig().Acl.Enabled);
    }

    [Theory]
    [InlineData("""{"acl": {"default_policy": "maybe"}}""", "acl.default_policy")]
    [InlineData("""{"acl": {"down_policy": "never"}}""", "acl.down_policy")]
    [InlineData("""{"acl": {"enabled": "yes"}}""", "acl.enabled")]
    [InlineData("""{"acl": {"tokens": {"initial_management": 5}}}""", "acl.tokens.initial_management")]
    [InlineData("""{"acl": {"tokens": {"root": "x"}}}""", "invalid config key \"acl.tokens.root\"")]
    [InlineData("""{"acl": {"enable": true}}""", "invalid config key \"acl.enable\"")]
    [InlineData("""{"acl": true}""", "\"acl\" must be an object")]
    public void AclBlock_BadValues_AreUsageErrors(string json, string message)
    {
        var error = Assert.Throws<UsageException>(() => Read(json));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }
}
