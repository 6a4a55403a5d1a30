using Mesh.Testing;

namespace Mesh.Api.Tests.Support;

/// <summary>
/// A shared server holding a few known rows that write-validation tests aim at: an agent service with a TTL check, a
/// non-TTL check on the server's node, and a catalog node with a service. Nothing on it expires or is run by the
/// server's check runner, so its digest only moves on writes.
/// </summary>
public sealed class SeededServerFixture : IAsyncLifetime
{
    public const string ServiceId = "seed-web";
    public const string TtlCheckId = "service:seed-web";
    public const string ExternalCheckId = "seed-external";
    public const string CatalogNode = "seed-node";

    private TestServer? _server;

    public TestServer Server => _server ?? throw new InvalidOperationException("The fixture's server has not started");

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync();
        await _server.PutOkAsync("/v1/agent/service/register", $$$"""{"Name":"{{{ServiceId}}}","Port":8080,"Check":{"TTL":"10m"}}""");
        await _server.RegisterExternalCheckAsync(ExternalCheckId);
        await _server.RegisterCatalogServiceAsync(CatalogNode, "seed-db");
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
