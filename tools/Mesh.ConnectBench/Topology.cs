using System.Diagnostics;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using Mesh.Agent.Cli;

namespace Mesh.ConnectBench;

/// <summary>
/// The processes under test: a <c>mesh agent -dev</c> server, db's proxy (<c>-service db -listen -register</c>) in
/// front of the backend, web's proxy with an upstream to db, and a socat relay to the backend when socat is installed.
/// </summary>
internal sealed class Topology : IAsyncDisposable
{
    private readonly List<Process> _processes = [];

    public int UpstreamPort { get; } = FreePort();

    public int? SocatPort { get; private set; }

    /// <summary>Starts the processes; <paramref name="meshDll"/> names another build of mesh.dll (a baseline) to run.</summary>
    public static async Task<Topology> StartAsync(int backendPort, string? meshDll = null)
    {
        var topology = new Topology();
        var mesh = meshDll ?? typeof(CommandLine).Assembly.Location;
        var http = FreePort();
        var dbPort = FreePort();
        topology.Start("dotnet", mesh, "agent", "-dev", $"-http-port={http}", $"-grpc-port={FreePort()}", $"-server-port={FreePort()}", "-log-level=warn");
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{http}") };
        await WaitAsync(async () => (await client.GetAsync("/v1/connect/ca/roots")).IsSuccessStatusCode, "the server");
        var api = $"-http-addr=127.0.0.1:{http}";
        topology.Start("dotnet", mesh, "connect", "proxy", "-service=db", $"-listen=127.0.0.1:{dbPort}", $"-service-addr=127.0.0.1:{backendPort}", "-register", api, "-log-level=warn");
        topology.Start("dotnet", mesh, "connect", "proxy", "-service=web", $"-upstream=db:{topology.UpstreamPort}", api, "-log-level=warn");
        await WaitAsync(async () => (await client.GetStringAsync("/v1/health/connect/db?passing")).Contains("db-proxy", StringComparison.Ordinal), "db's proxy to register");
        await WaitAsync(() => Task.FromResult(CanConnect(topology.UpstreamPort)), "web's upstream listener");
        if (File.Exists("/usr/bin/socat"))
        {
            var socat = FreePort();
            topology.Start("socat", $"TCP-LISTEN:{socat},bind=127.0.0.1,fork,reuseaddr,backlog=1024", $"TCP:127.0.0.1:{backendPort}");
            await WaitAsync(() => Task.FromResult(CanConnect(socat)), "socat");
            topology.SocatPort = socat;
        }
        else
        {
            Console.WriteLine("# socat not installed (apt-get install -y socat): its row is skipped");
        }

        return topology;
    }

    /// <summary>The process ids on a path besides this one: the server and both proxies, or socat.</summary>
    public IReadOnlyList<int> ProxyProcessIds => _processes.Where(p => !p.StartInfo.FileName.Equals("socat", StringComparison.Ordinal)).Select(p => p.Id).ToList();

    public IReadOnlyList<int> SocatProcessIds => _processes.Where(p => p.StartInfo.FileName.Equals("socat", StringComparison.Ordinal)).Select(p => p.Id).ToList();

    private void Start(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardOutput = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        _processes.Add(Process.Start(start) ?? throw new InvalidOperationException($"cannot start {file}"));
    }

    private static bool CanConnect(int port)
    {
        try
        {
            using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
            socket.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static async Task WaitAsync(Func<Task<bool>> ready, string what)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (await ready())
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"waiting for {what}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var process in Enumerable.Reverse(_processes))
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }

            process.Dispose();
        }
    }
}
