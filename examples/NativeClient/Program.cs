using System.Net;
using Mesh.Connect;

// A Connect-native client: calls https://<upstream>.service.consul/ as <identity> over the mesh's mTLS (HTTP/2),
// resolving healthy instances through /v1/health/connect/<upstream>.
//   dotnet run --project examples/NativeClient -- <identity> <upstream>
var identity = args.Length > 0 ? args[0] : "web";
var upstream = args.Length > 1 ? args[1] : "db";

await using var connect = ConnectService.Start(identity);
await connect.Ready.WaitAsync(TimeSpan.FromSeconds(30));
using var http = connect.CreateHttpClient();
using var request = new HttpRequestMessage(HttpMethod.Get, $"https://{upstream}.service.consul/")
{
    Version = HttpVersion.Version20,
    VersionPolicy = HttpVersionPolicy.RequestVersionExact,
};
try
{
    using var response = await http.SendAsync(request);
    Console.Write(await response.Content.ReadAsStringAsync());
    return 0;
}
catch (HttpRequestException error)
{
    // Refused by intentions, no healthy instance, or a certificate that is not the upstream's.
    Console.Error.WriteLine($"{identity} -> {upstream}: {error.InnerException?.Message ?? error.Message}");
    return 1;
}
