using System.Globalization;
using System.Net;
using System.Text.Json;
using Mesh.Connect;
using Microsoft.AspNetCore.Server.Kestrel.Core;

// A Connect-native HTTP service: Kestrel serves HTTP/1.1 and HTTP/2 over the mesh's mTLS, callers are checked against
// intentions before a request is read. Reads MESH_HTTP_ADDR/CONSUL_HTTP_ADDR and the token variables.
//   dotnet run --project examples/NativeService -- <service name> <port>
var name = args.Length > 0 ? args[0] : "db";
var port = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 9090;

var builder = WebApplication.CreateSlimBuilder();
await using var connect = ConnectService.Start(name, loggerFactory: LoggerFactory.Create(b => b.AddSimpleConsole()));
await connect.Ready.WaitAsync(TimeSpan.FromSeconds(30));
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port, listen =>
{
    listen.Protocols = HttpProtocols.Http1AndHttp2;
    listen.UseConnect(connect);
}));
var app = builder.Build();
app.MapGet("/", (HttpContext context) =>
    $"hello from {name}; you are {context.Features.Get<ConnectPeerFeature>()?.PeerId.Service} over {context.Request.Protocol}\n");

// Register as a Connect-native instance so resolvers find it in /v1/health/connect/<name>.
using var http = new HttpClient { BaseAddress = connect.Api.Options.Address };
var registration = JsonSerializer.Serialize(new Dictionary<string, object>
{
    ["Name"] = name,
    ["ID"] = $"{name}-native",
    ["Address"] = "127.0.0.1",
    ["Port"] = port,
    ["Connect"] = new Dictionary<string, bool> { ["Native"] = true },
});
await connect.Api.PutAsync("/v1/agent/service/register", registration, CancellationToken.None);
Console.WriteLine($"{name}: Connect-native on https://127.0.0.1:{port} as {connect.Leaf?.Identity}");
await app.RunAsync();
