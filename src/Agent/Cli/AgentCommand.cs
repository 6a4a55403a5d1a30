using System.Net;
using System.Runtime.InteropServices;
using Mesh.Agent.Hosting;
using Microsoft.Extensions.Logging;

namespace Mesh.Agent.Cli;

/// <summary><c>mesh agent</c>: runs a server until SIGINT or SIGTERM, then shuts down cleanly.</summary>
public sealed class AgentCommand : ICliCommand
{
    public string Name => "agent";

    public string Synopsis => "Runs a Mesh server";

    public static FlagSet Flags() => ChecksAndLogsFlags.Add(new FlagSet("agent")
        .AddBool("dev", "Development mode: one server, its Raft log in a temporary folder, bootstrapped at once")
        .AddBool("server", "Run as a server (every Mesh agent is a server)")
        .AddString("node", null, "Name of this node (default: the host name)")
        .AddString("node-id", null, "UUID of this node (default: generated once and kept in the data folder)")
        .AddString("datacenter", "dc1", "Datacenter of this server")
        .AddString("data-dir", null, "Folder for the Raft log, snapshots and node identity")
        .AddString("bind", "127.0.0.1", "Address the server (Raft) port binds to and is advertised at")
        .AddString("advertise", null, "Address advertised to other servers (default: -bind)")
        .AddString("advertise-wan", null, "Address advertised to WAN clients, e.g. dataplanes watching servers over the WAN (default: -advertise)")
        .AddString("client", "127.0.0.1", "Address(es) the HTTP and gRPC APIs bind to, space-separated")
        .AddInt("http-port", 8500, "HTTP API port")
        .AddInt("https-port", -1, "HTTPS API port (-1: off); needs tls.https or tls.defaults cert_file and key_file")
        .AddInt("grpc-port", 8502, "gRPC (xDS) port, plaintext (-1: off)")
        .AddInt("grpc-tls-port", -1, "TLS gRPC (xDS) port (-1: off); needs tls.grpc or tls.defaults cert_file and key_file")
        .AddInt("server-port", 8300, "Server (Raft and server RPC) port")
        .AddBool("bootstrap", "Bootstrap a single-server cluster")
        .AddInt("bootstrap-expect", 0, "Wait for this many servers, then bootstrap them together")
        .AddList("retry-join", "Address (host:server-port) of a server to join; repeatable")
        .AddList("retry-join-wan", "Address (host:server-port) of a server in another datacenter to federate with; repeatable")
        .AddList("join-wan", "As -retry-join-wan (Consul's older flag); repeatable")
        .AddString("retry-interval-wan", null, "How often other datacenters' server lists are refreshed (default 10s)")
        .AddList("config-file", "Config file (JSON or HCL, Consul's key names); repeatable")
        .AddList("config-dir", "Folder whose *.json and *.hcl files are read in name order; repeatable")
        .AddString("config-format", null, "Language of config files whatever their extension: json or hcl")
        .AddBool("ui", "Serve the web UI at /ui/ (on by default in -dev)")
        .AddString("log-level", "info", "trace, debug, info, warn or err")
        .AddInt("raft-snapshot-threshold", 16384, "Take a Raft snapshot after this many log entries"));

    public async Task<int> RunAsync(IReadOnlyList<string> args, CliConsole console, CancellationToken cancellationToken)
    {
        var flags = Flags();
        var rest = flags.Parse(args);
        if (rest.Count > 0)
        {
            throw new UsageException($"unexpected argument: {rest[0]}");
        }

        var config = Build(flags);
        console.Startup?.Mark("config parsed");
        // The process writes everything it is given; each server filters at its log_level, which a reload can change.
        using var loggerFactory = CreateLoggerFactory("trace", config.LogOutput);
        console.Startup?.Mark("logging ready");
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => { context.Cancel = true; stop.Cancel(); });
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => { context.Cancel = true; stop.Cancel(); });
        MeshServer? running = null;

        // SIGHUP reloads the configuration (log level, TLS certificates and keys), as Consul's does; the server keeps running.
        using var sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context => { context.Cancel = true; ReloadOnSignal(Volatile.Read(ref running)); });

        foreach (var warning in config.ConfigWarnings)
        {
            await console.Error.WriteLineAsync($"==> Warning: {warning}").ConfigureAwait(false);
        }

        await console.Out.WriteLineAsync($"==> Starting Mesh agent{(config.Dev ? " in -dev mode" : string.Empty)}...").ConfigureAwait(false);
        MeshServer server;
        try
        {
            server = await MeshServer.StartAsync(config, loggerFactory, stop.Token, LevelOf(config.LogLevel), console.Startup).ConfigureAwait(false);
            server.ReloadSource = () => Build(flags);
        }
        catch (Exception error) when (error is IOException or System.Net.Sockets.SocketException or InvalidDataException or UnauthorizedAccessException or Mesh.Agent.Tls.TlsConfigException)
        {
            await console.Error.WriteLineAsync($"==> Error starting agent: {error.Message}").ConfigureAwait(false);
            return 1;
        }

        Volatile.Write(ref running, server);
        await using (server.ConfigureAwait(false))
        {
            await console.Out.WriteLineAsync(
                $"""
                     Version: '{Mesh.Server.MeshVersion.Current}'
                   Node name: '{config.NodeName}'
                  Datacenter: '{config.Datacenter}'
                      Server: true (Bootstrap: {config.Bootstrap || config.Dev})
                 Client Addr: [{string.Join(' ', config.ClientAddresses)}] (HTTP: {config.HttpPort}, HTTPS: {config.HttpsPort}, gRPC: {config.GrpcPort}, gRPC-TLS: {config.GrpcTlsPort})
                Cluster Addr: {config.BindAddress} (Server: {config.ServerPort})
                         TLS: server port: {server.Tls.ServerPortMode}, HTTPS: {(config.HttpsPort > 0 ? "on" : "off")}, gRPC: {(config.GrpcTlsPort > 0 ? "on" : "off")}

                ==> Mesh agent running!
                """).ConfigureAwait(false);
            await console.Out.FlushAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                using var stopOrLeave = CancellationTokenSource.CreateLinkedTokenSource(stop.Token, server.ShutdownRequested);
                await Task.Delay(Timeout.Infinite, stopOrLeave.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                await console.Out.WriteLineAsync(server.ShutdownRequested.IsCancellationRequested ? "==> Left the cluster, shutting down..." : "==> Caught signal, shutting down gracefully...").ConfigureAwait(false);
            }
        }

        await console.Out.WriteLineAsync("==> Mesh agent stopped").ConfigureAwait(false);
        return 0;
    }

    private static void ReloadOnSignal(MeshServer? server)
    {
        if (server is null)
        {
            return;
        }

        try
        {
            server.ReloadAsync(CancellationToken.None).GetAwaiter().GetResult();
        }
        catch (Exception error) when (error is Mesh.Server.Membership.AgentReloadException or Mesh.Raft.NoLeaderException or Mesh.Raft.NotLeaderException or Mesh.Server.LeaderUnreachableException)
        {
            Console.Error.WriteLine($"==> {error.Message}");
        }
    }

    public static AgentConfig Build(FlagSet flags)
    {
        var config = flags.GetBool("dev") ? AgentConfig.DevDefaults : new AgentConfig();
        var format = flags.GetString("config-format");
        foreach (var file in flags.GetStrings("config-file"))
        {
            config = AgentConfigFile.Apply(config, file, format);
        }

        foreach (var directory in flags.GetStrings("config-dir"))
        {
            config = AgentConfigFile.ApplyDirectory(config, directory, format);
        }

        // Flags given on the command line override config files.
        if (flags.IsSet("server"))
        {
            config = config with { Server = flags.GetBool("server") };
        }

        if (flags.IsSet("node"))
        {
            config = config with { NodeName = flags.GetString("node")! };
        }

        if (flags.IsSet("node-id"))
        {
            config = config with { NodeId = flags.GetString("node-id") };
        }

        if (flags.IsSet("datacenter"))
        {
            config = config with { Datacenter = flags.GetString("datacenter")! };
        }

        if (flags.IsSet("data-dir"))
        {
            config = config with { DataDir = flags.GetString("data-dir") };
        }

        if (flags.IsSet("bind"))
        {
            config = config with { BindAddress = flags.GetString("bind")! };
        }

        if (flags.IsSet("advertise"))
        {
            config = config with { BindAddress = flags.GetString("advertise")! };
        }

        if (flags.IsSet("advertise-wan"))
        {
            config = config with { AdvertiseWanAddress = flags.GetString("advertise-wan")! };
        }

        if (flags.IsSet("client"))
        {
            config = config with { ClientAddresses = flags.GetString("client")!.Split(' ', StringSplitOptions.RemoveEmptyEntries) };
        }

        if (flags.IsSet("http-port"))
        {
            config = config with { HttpPort = flags.GetInt("http-port") };
        }

        if (flags.IsSet("grpc-port"))
        {
            config = config with { GrpcPort = flags.GetInt("grpc-port") };
        }

        if (flags.IsSet("https-port"))
        {
            config = config with { HttpsPort = flags.GetInt("https-port") };
        }

        if (flags.IsSet("grpc-tls-port"))
        {
            config = config with { GrpcTlsPort = flags.GetInt("grpc-tls-port") };
        }

        if (flags.IsSet("server-port"))
        {
            config = config with { ServerPort = flags.GetInt("server-port") };
        }

        if (flags.IsSet("bootstrap"))
        {
            config = config with { Bootstrap = flags.GetBool("bootstrap") };
        }

        if (flags.IsSet("bootstrap-expect"))
        {
            config = config with { BootstrapExpect = flags.GetInt("bootstrap-expect") };
        }

        if (flags.IsSet("retry-join"))
        {
            config = config with { RetryJoin = flags.GetStrings("retry-join") };
        }

        if (flags.IsSet("retry-join-wan") || flags.IsSet("join-wan"))
        {
            config = config with { RetryJoinWan = [.. flags.GetStrings("retry-join-wan"), .. flags.GetStrings("join-wan")] };
        }

        if (flags.IsSet("retry-interval-wan"))
        {
            config = config with { RetryIntervalWan = Mesh.Config.Durations.GoDuration.TryParse(flags.GetString("retry-interval-wan"), out var wanInterval) && wanInterval >= TimeSpan.FromMilliseconds(100)
                ? wanInterval
                : throw new UsageException("-retry-interval-wan must be a duration of at least 100ms, such as \"30s\"") };
        }

        if (flags.IsSet("ui"))
        {
            config = config with { UiEnabled = flags.GetBool("ui") };
        }

        if (flags.IsSet("log-level"))
        {
            config = config with { LogLevel = flags.GetString("log-level")! };
        }

        if (flags.IsSet("raft-snapshot-threshold"))
        {
            config = config with { SnapshotThreshold = flags.GetInt("raft-snapshot-threshold") };
        }

        config = ChecksAndLogsFlags.Apply(config, flags);
        Validate(config);
        Hosting.ConfigFileRegistrations.Validate(config);
        return config;
    }

    private static void Validate(AgentConfig config)
    {
        if (!config.Dev && string.IsNullOrEmpty(config.DataDir))
        {
            throw new UsageException("Must specify -data-dir (or data_dir in a config file) outside -dev mode");
        }

        if (config.NodeName.Length == 0)
        {
            throw new UsageException("Node name cannot be empty");
        }

        if (!IPAddress.TryParse(config.BindAddress, out _))
        {
            throw new UsageException($"-bind \"{config.BindAddress}\" is not an IP address");
        }

        if (config.AdvertiseWanAddress is { } wan && !IPAddress.TryParse(wan, out _))
        {
            throw new UsageException($"-advertise-wan (advertise_addr_wan) \"{wan}\" is not an IP address");
        }

        foreach (var address in config.ClientAddresses)
        {
            if (!IPAddress.TryParse(address, out _))
            {
                throw new UsageException($"-client \"{address}\" is not an IP address");
            }
        }

        foreach (var (name, port) in new[] { ("http-port", config.HttpPort), ("https-port", config.HttpsPort), ("grpc-port", config.GrpcPort), ("grpc-tls-port", config.GrpcTlsPort) })
        {
            if (port is < -1 or > 65535)
            {
                throw new UsageException($"-{name} {port} is out of range (0-65535, or -1 for off)");
            }
        }

        if (config.ServerPort is < 0 or > 65535)
        {
            throw new UsageException($"-server-port {config.ServerPort} is out of range (0-65535)");
        }

        if (config.BootstrapExpect < 0)
        {
            throw new UsageException("-bootstrap-expect cannot be negative");
        }

        if (config.Bootstrap && config.BootstrapExpect > 1)
        {
            throw new UsageException("-bootstrap and -bootstrap-expect cannot be combined");
        }

        if (config.SnapshotThreshold < 16)
        {
            throw new UsageException("-raft-snapshot-threshold must be at least 16");
        }

        if (LevelOf(config.LogLevel) is null)
        {
            throw new UsageException($"-log-level \"{config.LogLevel}\" is not one of trace, debug, info, warn, err");
        }
    }

    public static LogLevel? LevelOf(string level) => level.ToLowerInvariant() switch
    {
        "trace" => LogLevel.Trace,
        "debug" => LogLevel.Debug,
        "info" => LogLevel.Information,
        "warn" or "warning" => LogLevel.Warning,
        "err" or "error" => LogLevel.Error,
        _ => null,
    };

    public static ILoggerFactory CreateLoggerFactory(string level, Mesh.Agent.Logging.LogOutputOptions? output = null)
    {
        var minimum = LevelOf(level) ?? LogLevel.Information;
        var json = output?.Json ?? false;
        Mesh.Agent.Logging.RotatingLogFile? file;
        try
        {
            file = output?.File is { Length: > 0 } ? new Mesh.Agent.Logging.RotatingLogFile(output) : null;
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"Error opening log file {output?.File}: {error.Message}");
        }

        return LoggerFactory.Create(builder =>
        {
            builder
                .SetMinimumLevel(minimum)
                .AddFilter("DotNext", minimum <= LogLevel.Debug ? minimum : LogLevel.Error)
                .AddFilter("Microsoft", LogLevel.Warning)
                .AddConsole(options => options.FormatterName = json ? Mesh.Agent.Logging.ConsulJsonFormatter.FormatterName : Mesh.Agent.Logging.ReadableTextFormatter.FormatterName)
                .AddConsoleFormatter<Mesh.Agent.Logging.ConsulJsonFormatter, Microsoft.Extensions.Logging.Console.ConsoleFormatterOptions>()
                .AddConsoleFormatter<Mesh.Agent.Logging.ReadableTextFormatter, Microsoft.Extensions.Logging.Console.ConsoleFormatterOptions>();
            if (file is not null)
            {
                builder.AddProvider(new Mesh.Agent.Logging.FileLoggerProvider(file, json));
            }
        });
    }
}
