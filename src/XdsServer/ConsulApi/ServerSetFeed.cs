using System.Threading.Channels;
using Mesh.Server;

namespace Mesh.XdsServer.ConsulApi;

/// <summary>
/// One server as WatchServers reports it: Raft server ID, bare LAN IP (no port), version, and the bare WAN IP sent
/// instead of the LAN one to a watcher asking for <c>wan</c>.
/// </summary>
public sealed record ServerEntry(string Id, string Address, string Version, string WanAddress);

/// <summary>
/// The set of ready servers (in the Raft configuration and healthy by the server monitor's pings) for every
/// WatchServers stream of this server: one loop reads the cluster view and publishes each change to every watcher.
/// Each watcher has a one-slot buffer where a newer set replaces an unread one, so a watcher that never reads holds
/// only its latest set and never holds up the others.
/// </summary>
public sealed class ServerSetFeed(ServerRuntime runtime)
{
    private readonly object _gate = new();
    private readonly HashSet<Channel<IReadOnlyList<ServerEntry>>> _watchers = [];
    private IReadOnlyList<ServerEntry> _published = [];

    /// <summary>How often the cluster view is read (the monitor pings every second).</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromMilliseconds(500);

    public int Watchers
    {
        get
        {
            lock (_gate)
            {
                return _watchers.Count;
            }
        }
    }

    /// <summary>The ready servers now (this one always, others when healthy), ordered by ID.</summary>
    public IReadOnlyList<ServerEntry> Current()
    {
        var members = runtime.Cluster?.Servers ?? [];
        var ready = members
            .Where(m => m.Healthy && m.Id.Length > 0 && m.Id != m.Address)
            .Select(m => new ServerEntry(m.Id, HostOf(m.Address), m.Version, m.WanAddress.Length > 0 ? m.WanAddress : HostOf(m.Address)))
            .OrderBy(e => e.Id, StringComparer.Ordinal)
            .ToList();
        if (ready.Count == 0)
        {
            // No cluster layer (unit hosts) or not yet observed: at least this server answers.
            ready.Add(new ServerEntry(runtime.Self.NodeId, HostOf(runtime.Self.ServerEndPoint.ToString()), runtime.Self.Version, runtime.Self.AdvertiseWanAddress));
        }

        return ready;
    }

    /// <summary>A watcher whose reader receives the current set at once and every change after it.</summary>
    public ChannelReader<IReadOnlyList<ServerEntry>> Watch(CancellationToken cancellationToken)
    {
        var channel = Channel.CreateBounded<IReadOnlyList<ServerEntry>>(new BoundedChannelOptions(1)
        {
            FullMode = BoundedChannelFullMode.DropOldest,
            SingleReader = true,
            SingleWriter = false,
        });
        channel.Writer.TryWrite(Current());
        lock (_gate)
        {
            _watchers.Add(channel);
        }

        cancellationToken.Register(() =>
        {
            lock (_gate)
            {
                _watchers.Remove(channel);
            }

            channel.Writer.TryComplete();
        });
        return channel.Reader;
    }

    /// <summary>Publishes the set whenever it differs from the last one published, until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                Publish(Current());
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private void Publish(IReadOnlyList<ServerEntry> current)
    {
        lock (_gate)
        {
            if (current.SequenceEqual(_published))
            {
                return;
            }

            _published = current;
            foreach (var watcher in _watchers)
            {
                watcher.Writer.TryWrite(current);
            }
        }
    }

    private static string HostOf(string address)
        => System.Net.IPEndPoint.TryParse(address, out var endPoint) ? endPoint.Address.ToString() : address;
}
