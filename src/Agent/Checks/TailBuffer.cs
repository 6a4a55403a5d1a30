using System.Text;

namespace Mesh.Agent.Checks;

/// <summary>
/// Keeps the last bytes written to it (Consul's <c>circbuf</c>), counting everything written, so a long check output
/// keeps its end and says how much was dropped. Written to by the stdout and stderr pumps at once.
/// </summary>
internal sealed class TailBuffer(int size)
{
    private readonly byte[] _data = new byte[Math.Max(1, size)];
    private readonly Lock _lock = new();
    private long _written;

    public void Write(ReadOnlySpan<byte> bytes)
    {
        lock (_lock)
        {
            var skipped = Math.Max(0, bytes.Length - _data.Length);
            _written += skipped;
            foreach (var b in bytes[skipped..])
            {
                _data[(int)(_written % _data.Length)] = b;
                _written++;
            }
        }
    }

    /// <summary>The kept bytes as text, prefixed as Consul does when some were dropped.</summary>
    public string Text()
    {
        lock (_lock)
        {
            if (_written <= _data.Length)
            {
                return Encoding.UTF8.GetString(_data, 0, (int)_written);
            }

            var start = (int)(_written % _data.Length);
            var ordered = new byte[_data.Length];
            _data.AsSpan(start).CopyTo(ordered);
            _data.AsSpan(0, start).CopyTo(ordered.AsSpan(_data.Length - start));
            return $"Captured {_data.Length} of {_written} bytes\n...\n{Encoding.UTF8.GetString(ordered)}";
        }
    }
}
