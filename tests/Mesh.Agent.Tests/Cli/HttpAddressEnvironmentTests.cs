using Mesh.Agent.Cli;
using Mesh.Testing;

namespace Mesh.Agent.Tests.Cli;

/// <summary>Environment variables are process-wide: these tests run alone, never alongside another collection.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessEnvironmentTests
{
    public const string Name = "process environment";
}

[Collection(ProcessEnvironmentTests.Name)]
public sealed class HttpAddressEnvironmentTests
{
    [Fact]
    public void ResolveAddress_NothingSet_DefaultsToLocal8500()
    {
        using var env = new EnvironmentScope(("MESH_HTTP_ADDR", null), ("CONSUL_HTTP_ADDR", null));
        Assert.Equal(new Uri("http://127.0.0.1:8500"), HttpApiClient.ResolveAddress(null));
    }

    [Fact]
    public void ResolveAddress_ConsulVariable_IsUsedAndGetsAScheme()
    {
        using var env = new EnvironmentScope(("MESH_HTTP_ADDR", null), ("CONSUL_HTTP_ADDR", "127.0.0.2:9500"));
        Assert.Equal(new Uri("http://127.0.0.2:9500"), HttpApiClient.ResolveAddress(null));
    }

    [Fact]
    public void ResolveAddress_MeshVariable_WinsOverConsulVariable()
    {
        using var env = new EnvironmentScope(("MESH_HTTP_ADDR", "http://127.0.0.3:1"), ("CONSUL_HTTP_ADDR", "127.0.0.2:9500"));
        Assert.Equal(new Uri("http://127.0.0.3:1"), HttpApiClient.ResolveAddress(null));
    }

    [Fact]
    public void ResolveAddress_Flag_WinsOverVariables()
    {
        using var env = new EnvironmentScope(("MESH_HTTP_ADDR", "127.0.0.3:1"), ("CONSUL_HTTP_ADDR", "127.0.0.2:9500"));
        Assert.Equal(new Uri("https://127.0.0.4:8501"), HttpApiClient.ResolveAddress("https://127.0.0.4:8501"));
    }

    [Fact]
    public void ResolveAddress_UnsupportedScheme_IsUsageError()
    {
        using var env = new EnvironmentScope(("MESH_HTTP_ADDR", "ftp://127.0.0.1:21"), ("CONSUL_HTTP_ADDR", null));
        Assert.Throws<UsageException>(() => HttpApiClient.ResolveAddress(null));
    }

    [Theory]
    [InlineData("MESH_HTTP_ADDR")]
    [InlineData("CONSUL_HTTP_ADDR")]
    public async Task Commands_WithoutHttpAddrFlag_UseTheEnvironment(string variable)
    {
        await using var server = await TestServer.StartAsync();
        var address = $"127.0.0.1:{server.Http.BaseAddress!.Port}";
        using var env = new EnvironmentScope(("MESH_HTTP_ADDR", null), ("CONSUL_HTTP_ADDR", null), (variable, address));

        var register = await Cli.RunAsync("services", "register", "-name=from-env");
        Assert.Equal(0, register.ExitCode);
        var list = await Cli.RunAsync("catalog", "services");
        Assert.Equal(0, list.ExitCode);
        Assert.Equal(["consul", "from-env"], Cli.Lines(list.Out));
    }
}
