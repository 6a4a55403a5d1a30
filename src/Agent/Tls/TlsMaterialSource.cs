using Microsoft.Extensions.Logging;

namespace Mesh.Agent.Tls;

/// <summary>
/// The current TLS material of one set of files, read by every handshake (Kestrel's HTTPS and TLS gRPC listeners and
/// the server port). It reloads when a file changes (a file watcher, debounced so a cert and key written one after
/// the other are read together) or when <see cref="Reload"/> is called (SIGHUP). A file that fails the checks on
/// reload leaves the previous material in place and is logged; running connections are never dropped.
/// </summary>
public sealed partial class TlsMaterialSource : IDisposable
{
    private readonly TlsSettings _settings;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly List<FileSystemWatcher> _watchers = [];
    private readonly Lock _gate = new();
    private readonly ITimer _debounce;
    private TlsMaterial _current;
    private int _disposed;

    /// <summary>Loads the files now.</summary>
    /// <exception cref="TlsConfigException">A file is missing, unreadable or invalid.</exception>
    public TlsMaterialSource(TlsSettings settings, TimeProvider clock, ILogger logger, bool watch = true)
    {
        _settings = settings;
        _clock = clock;
        _logger = logger;
        _current = TlsMaterialLoader.Load(settings, clock.GetUtcNow());
        _debounce = clock.CreateTimer(_ => Reload(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        if (watch)
        {
            Watch();
        }
    }

    /// <summary>How long after the last file event the files are read again.</summary>
    public static TimeSpan DebounceDelay { get; } = TimeSpan.FromMilliseconds(500);

    public TlsMaterial Current => Volatile.Read(ref _current);

    /// <summary>Successful reloads that changed the material.</summary>
    public long Reloads { get; private set; }

    /// <summary>Raised after new material is in place.</summary>
    public event Action<TlsMaterial>? Reloaded;

    /// <summary>Reads the files again; keeps the current material (and logs why) when they fail the checks.</summary>
    public bool Reload()
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            return false;
        }

        TlsMaterial next;
        try
        {
            next = TlsMaterialLoader.Load(_settings, _clock.GetUtcNow());
        }
        catch (TlsConfigException error)
        {
            Log.ReloadRefused(_logger, _settings.Interface, error.Message);
            return false;
        }

        lock (_gate)
        {
            var previous = _current;
            if (SameMaterial(previous, next))
            {
                return false;
            }

            Volatile.Write(ref _current, next);
            Reloads++;
        }

        Log.Reloaded(_logger, _settings.Interface, next.Describe(), next.Authorities.Count);
        Reloaded?.Invoke(next);
        return true;
    }

    private static bool SameMaterial(TlsMaterial a, TlsMaterial b)
        => string.Equals(a.Certificate?.Thumbprint, b.Certificate?.Thumbprint, StringComparison.Ordinal)
           && a.Authorities.Count == b.Authorities.Count
           && a.Authorities.Cast<System.Security.Cryptography.X509Certificates.X509Certificate2>().Select(c => c.Thumbprint)
               .SequenceEqual(b.Authorities.Cast<System.Security.Cryptography.X509Certificates.X509Certificate2>().Select(c => c.Thumbprint), StringComparer.Ordinal);

    private void Watch()
    {
        var folders = _settings.Files
            .Select(f => (Folder: Path.GetDirectoryName(Path.GetFullPath(f))!, Name: Path.GetFileName(f)))
            .Concat(_settings.CaPath is { } caPath ? [(Folder: Path.GetFullPath(caPath), Name: "*")] : [])
            .GroupBy(f => f.Folder, StringComparer.Ordinal);
        foreach (var folder in folders)
        {
            if (!Directory.Exists(folder.Key))
            {
                continue;
            }

            var names = folder.Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
            var watcher = new FileSystemWatcher(folder.Key)
            {
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
                IncludeSubdirectories = false,
            };
            FileSystemEventHandler changed = (_, e) => OnFileEvent(names, e.Name);
            watcher.Changed += changed;
            watcher.Created += changed;
            watcher.Deleted += changed;
            watcher.Renamed += (_, e) => OnFileEvent(names, e.Name);
            watcher.EnableRaisingEvents = true;
            _watchers.Add(watcher);
        }
    }

    private void OnFileEvent(HashSet<string> names, string? name)
    {
        if (names.Contains("*") || name is not null && names.Contains(name))
        {
            // Writes come in bursts (truncate, write, rename; cert then key): read once the burst is over.
            _debounce.Change(DebounceDelay, Timeout.InfiniteTimeSpan);
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        foreach (var watcher in _watchers)
        {
            watcher.Dispose();
        }

        _debounce.Dispose();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4251, Level = LogLevel.Information, Message = "TLS material for tls.{Interface} reloaded: now presenting {Certificate}, trusting {Authorities} CA certificate(s)")]
        public static partial void Reloaded(ILogger logger, string @interface, string certificate, int authorities);

        [LoggerMessage(EventId = 4252, Level = LogLevel.Error, Message = "TLS files for tls.{Interface} changed but were not loaded, the previous certificate stays in use: {Reason}")]
        public static partial void ReloadRefused(ILogger logger, string @interface, string reason);
    }
}
