using Mesh.Testing;

namespace Mesh.Ca.Tests.Support;

/// <summary>One real server shared by the read-only tests of a class; its CA is initialized before the tests run.</summary>
public sealed class CaServerFixture : IAsyncLifetime
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
