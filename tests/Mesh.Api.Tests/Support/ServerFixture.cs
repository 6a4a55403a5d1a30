using Mesh.Testing;

namespace Mesh.Api.Tests.Support;

/// <summary>
/// One real server shared by the tests of a class (xunit runs them one after another). Tests keep out of each other's
/// way by using unique service, node and check names.
/// </summary>
public sealed class ServerFixture : IAsyncLifetime
{
    private TestServer? _server;

    public TestServer Server => _server ?? throw new InvalidOperationException("The fixture's server has not started");

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
