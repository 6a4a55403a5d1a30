using System.Text.Json;
using Mesh.Testing;

namespace Mesh.Agent.Tests.Cli;

/// <summary><c>mesh config write</c> and <c>mesh services register</c> with HCL input, as Consul accepts it.</summary>
public sealed class HclInputCommandTests(ConfigCliServer fixture) : IClassFixture<ConfigCliServer>
{
    private readonly TestServer _server = fixture.Server;
    private readonly string _addr = fixture.Address;

    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";

    [Fact]
    public async Task ConfigWrite_HclEntries_InCamelAndSnakeCase_AreWritten()
    {
        using var dir = new TempDirectory();
        var name = Unique("web");
        var defaults = Path.Combine(dir.Path, "defaults.hcl");
        await File.WriteAllTextAsync(defaults, $$"""
            Kind     = "service-defaults"
            Name     = "{{name}}"
            Protocol = "http"
            """);
        var intentions = Path.Combine(dir.Path, "intentions.hcl");
        await File.WriteAllTextAsync(intentions, $$"""
            kind = "service-intentions"
            name = "{{name}}"
            # one block of a list key is still a list
            sources {
              name   = "api"
              action = "allow"
            }
            """);

        var written = await Cli.RunAsync("config", "write", "-http-addr", _addr, defaults);
        Assert.Equal(0, written.ExitCode);
        Assert.Equal($"Config entry written: service-defaults/{name}", written.Out.Trim());
        var entry = await _server.GetJsonAsync($"/v1/config/service-defaults/{name}");
        Assert.Equal("http", entry.GetProperty("Protocol").GetString());

        var intention = await Cli.RunAsync("config", "write", "-http-addr", _addr, intentions);
        Assert.Equal(0, intention.ExitCode);
        var read = await _server.GetJsonAsync($"/v1/config/service-intentions/{name}");
        var source = Assert.Single(read.GetProperty("Sources").EnumerateArray().ToArray());
        Assert.Equal("api", source.GetProperty("Name").GetString());
        Assert.Equal("allow", source.GetProperty("Action").GetString());
    }

    [Fact]
    public async Task ConfigWrite_BadHcl_Exits1NamingLineAndColumn_AndWritesNothing()
    {
        using var dir = new TempDirectory();
        var name = Unique("bad");
        var file = Path.Combine(dir.Path, "bad.hcl");
        await File.WriteAllTextAsync(file, $"Kind = \"service-defaults\"\nName = \"{name}\"\nProtocol = http\n");
        var result = await Cli.RunAsync("config", "write", "-http-addr", _addr, file);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"Failed to decode config entry input: Error parsing {file}: At 3:12: unknown value http", result.Error, StringComparison.Ordinal);
        using var response = await _server.Http.GetAsync($"/v1/config/service-defaults/{name}");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task ServicesRegister_HclWithSidecar_RegistersServiceAndProxy()
    {
        using var dir = new TempDirectory();
        var name = Unique("web");
        var file = Path.Combine(dir.Path, "web.hcl");
        await File.WriteAllTextAsync(file, $$"""
            service {
              name = "{{name}}"
              port = 8080
              tags = ["v1"]
              check {
                ttl = "30s"
              }
              connect {
                sidecar_service {
                  port = 21000
                  proxy {
                    upstreams {
                      destination_name = "db"
                      local_bind_port  = 9191
                    }
                  }
                }
              }
            }
            """);
        var result = await Cli.RunAsync("services", "register", "-http-addr", _addr, file);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal($"Registered service: {name}", result.Out.Trim());

        var service = await _server.GetJsonAsync($"/v1/agent/service/{name}");
        Assert.Equal(8080, service.GetProperty("Port").GetInt32());
        var proxy = await _server.GetJsonAsync($"/v1/agent/service/{name}-sidecar-proxy");
        Assert.Equal(21000, proxy.GetProperty("Port").GetInt32());
        var upstream = Assert.Single(proxy.GetProperty("Proxy").GetProperty("Upstreams").EnumerateArray().ToArray());
        Assert.Equal("db", upstream.GetProperty("DestinationName").GetString());
        Assert.Equal(9191, upstream.GetProperty("LocalBindPort").GetInt32());
    }

    [Fact]
    public async Task ServicesRegister_HclServicesBlocks_RegisterEach()
    {
        using var dir = new TempDirectory();
        var (a, b) = (Unique("a"), Unique("b"));
        var file = Path.Combine(dir.Path, "many.hcl");
        await File.WriteAllTextAsync(file, $"services {{\n  name = \"{a}\"\n}}\nservices {{\n  name = \"{b}\"\n  port = 2\n}}\n");
        var result = await Cli.RunAsync("services", "register", "-http-addr", _addr, file);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal([$"Registered service: {a}", $"Registered service: {b}"], Cli.Lines(result.Out));
        Assert.Equal(JsonValueKind.Object, (await _server.GetJsonAsync($"/v1/agent/service/{b}")).ValueKind);
    }

    [Fact]
    public async Task ServicesRegister_BadHcl_Exits1NamingLineAndColumn()
    {
        using var dir = new TempDirectory();
        var file = Path.Combine(dir.Path, "bad.hcl");
        await File.WriteAllTextAsync(file, "service {\n  name = \"x\"\n");
        var result = await Cli.RunAsync("services", "register", "-http-addr", _addr, file);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"Error parsing {file}: At 3:1: unexpected end of file: the object opened at 1:9 is not closed", result.Error, StringComparison.Ordinal);
    }
}
