using Mesh.Api.Tests.Support;
using Mesh.Testing;

namespace Mesh.Api.Tests.Intentions;

/// <summary>
/// A server of its own (it holds a wildcard-destination entry, which would affect other tests) with:
/// <c>db</c>: web allow, api L7, * deny; <c>cache</c>: web deny, * allow; <c>*</c>: admin allow, blocked deny.
/// </summary>
public sealed class AuthorizeScenarioFixture : IAsyncLifetime
{
    private TestServer? _server;

    public TestServer Server => _server ?? throw new InvalidOperationException("The fixture's server has not started");

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync();
        await _server.PutOkAsync("/v1/config", """
            {"Kind":"service-intentions","Name":"db","Sources":[
              {"Name":"web","Action":"allow"},
              {"Name":"api","Permissions":[{"Action":"allow","HTTP":{"PathPrefix":"/v1"}},{"Action":"deny","HTTP":{"Methods":["DELETE"]}}]},
              {"Name":"*","Action":"deny"}]}
            """);
        await _server.PutOkAsync("/v1/config", """{"Kind":"service-intentions","Name":"cache","Sources":[{"Name":"web","Action":"deny"},{"Name":"*","Action":"allow"}]}""");
        await _server.PutOkAsync("/v1/config", """{"Kind":"service-intentions","Name":"*","Sources":[{"Name":"admin","Action":"allow"},{"Name":"blocked","Action":"deny"}]}""");
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
