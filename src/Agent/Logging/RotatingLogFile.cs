using System.Globalization;
using System.Text;

namespace Mesh.Agent.Logging;

/// <summary>
/// The agent's <c>-log-file</c>, rotated as Consul's agent rotates it: before a write, once the file holds
/// <c>log_rotate_bytes</c> or is older than <c>log_rotate_duration</c>, it is renamed to
/// <c>&lt;name&gt;-&lt;unix nanoseconds&gt;&lt;ext&gt;</c>, the oldest rotated files beyond <c>log_rotate_max_files</c>
/// are deleted (0 keeps all, -1 none), and a new file is started under the configured name.
/// </summary>
public sealed class RotatingLogFile : IDisposable
{
    private readonly Lock _lock = new();
    private readonly LogOutputOptions _options;
    private readonly TimeProvider _clock;
    private readonly string _folder;
    private readonly string _baseName;
    private readonly string _extension;
    private FileStream _stream;
    private long _written;
    private DateTimeOffset _created;

    public RotatingLogFile(LogOutputOptions options, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _clock = clock ?? TimeProvider.System;
        var configured = options.File ?? throw new ArgumentException("log_file is not set", nameof(options));
        var name = configured.EndsWith(Path.DirectorySeparatorChar) || configured.EndsWith(Path.AltDirectorySeparatorChar) || Directory.Exists(configured)
            ? Path.Combine(configured, "consul.log")
            : configured;
        _folder = Path.GetDirectoryName(Path.GetFullPath(name))!;
        _extension = Path.GetExtension(name) is { Length: > 0 } ext ? ext : ".log";
        _baseName = Path.GetFileName(name) is var file && file.EndsWith(_extension, StringComparison.Ordinal) ? file[..^_extension.Length] : file;
        Directory.CreateDirectory(_folder);
        _stream = Open();
    }

    /// <summary>The file being written now.</summary>
    public string CurrentPath => Path.Combine(_folder, _baseName + _extension);

    public void Write(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        lock (_lock)
        {
            RotateIfDue();
            _stream.Write(bytes);
            _stream.Flush();
            _written += bytes.Length;
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _stream.Dispose();
        }
    }

    private FileStream Open()
    {
        var stream = new FileStream(CurrentPath, FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        _written = stream.Length;
        _created = _clock.GetUtcNow();
        return stream;
    }

    private void RotateIfDue()
    {
        var full = _options.RotateBytes > 0 && _written >= _options.RotateBytes;
        if (!full && _clock.GetUtcNow() - _created < _options.RotateDuration)
        {
            return;
        }

        _stream.Dispose();
        try
        {
            File.Move(CurrentPath, RotatedPath());
            Prune();
        }
        catch (IOException)
        {
            // Could not rename (the folder went away?): keep writing to the current name.
        }

        _stream = Open();
    }

    private string RotatedPath()
    {
        var nanos = (_clock.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks * 100;
        string path;
        while (File.Exists(path = Path.Combine(_folder, $"{_baseName}-{nanos.ToString(CultureInfo.InvariantCulture)}{_extension}")))
        {
            nanos++;
        }

        return path;
    }

    private void Prune()
    {
        if (_options.RotateMaxFiles == 0)
        {
            return;
        }

        var rotated = Directory.GetFiles(_folder, $"{_baseName}-*{_extension}").Order(StringComparer.Ordinal).ToList();
        var stale = _options.RotateMaxFiles < 0 ? rotated.Count : rotated.Count - _options.RotateMaxFiles;
        foreach (var path in rotated.Take(Math.Max(0, stale)))
        {
            File.Delete(path);
        }
    }
}
