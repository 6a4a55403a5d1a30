using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mesh.XdsServer.Tests.Sotw;

/// <summary>
/// Interop with a client we did not write: <c>@grpc/grpc-js-xds</c> 1.14.1 resolves <c>xds:///greeter</c> through
/// Mesh's state-of-the-world ADS and its calls reach a backend registered in the catalog, then move to a second
/// backend when the first is deregistered (interop/client.js does the calls and the catalog writes).
/// </summary>
public class SotwInteropTests
{
    [NodeInteropFact]
    public async Task GrpcJsXds_GreeterTarget_CallsReachCatalogBackendAndMoveWhenItIsReplaced()
    {
        var folder = await NodeInterop.InstallAsync();
        await using var mesh = await SotwTestServer.StartAsync();
        var bootstrap = Path.Combine(folder, $"bootstrap-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(bootstrap, Bootstrap(mesh.GrpcPort));
        try
        {
            var (code, output, error) = await NodeInterop.RunAsync(
                "node",
                ["client.js", mesh.HttpAddress.ToString()],
                folder,
                new Dictionary<string, string> { ["GRPC_XDS_BOOTSTRAP"] = bootstrap, ["GRPC_VERBOSITY"] = "ERROR" },
                TimeSpan.FromSeconds(60));

            Assert.True(code == 0, $"interop client failed ({code}):\n{output}\n{error}");
            var phases = output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(line => JsonNode.Parse(line)!)
                .ToDictionary(node => (string)node["phase"]!, node => node["seen"]!.AsObject());
            Assert.True((int?)phases["first"]["a"] >= 3, output);
            Assert.True((int?)phases["moved"]["b"] >= 5, output);
            Assert.Equal(5, (int?)phases["after"]["b"]);
            Assert.False(phases["after"].ContainsKey("a"), output);
        }
        finally
        {
            File.Delete(bootstrap);
        }

        var instances = await mesh.GetJsonAsync("/v1/catalog/service/greeter");
        var instance = Assert.Single(instances.EnumerateArray());
        Assert.Equal("greeter-b", instance.GetProperty("ServiceID").GetString());
    }

    private static string Bootstrap(int grpcPort)
    {
        var bootstrap = new JsonObject
        {
            ["xds_servers"] = new JsonArray
            {
                new JsonObject
                {
                    ["server_uri"] = $"127.0.0.1:{grpcPort}",
                    ["channel_creds"] = new JsonArray { new JsonObject { ["type"] = "insecure" } },
                    ["server_features"] = new JsonArray { "xds_v3" },
                },
            },
            ["node"] = new JsonObject
            {
                ["id"] = "interop-client",
                ["locality"] = new JsonObject(),
            },
        };
        return bootstrap.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }
}
