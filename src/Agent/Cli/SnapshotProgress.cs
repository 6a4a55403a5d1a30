using System.Globalization;
using System.Net;

namespace Mesh.Agent.Cli;

/// <summary>Progress lines on stderr for large snapshot transfers (at most one per second, plus the final one).</summary>
public static class SnapshotProgress
{
    private const long ReportThreshold = 8 * 1024 * 1024;

    public static async Task CopyAsync(Stream source, Stream destination, long? total, string verb, TextWriter progress, CancellationToken cancellationToken)
    {
        var buffer = new byte[128 * 1024];
        long copied = 0;
        var lastReport = Environment.TickCount64;
        int read;
        while ((read = await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            copied += read;
            if (Environment.TickCount64 - lastReport >= 1000 && copied >= ReportThreshold)
            {
                lastReport = Environment.TickCount64;
                await progress.WriteLineAsync(Describe(verb, copied, total)).ConfigureAwait(false);
            }
        }

        if (copied >= ReportThreshold)
        {
            await progress.WriteLineAsync(Describe(verb, copied, total)).ConfigureAwait(false);
        }
    }

    private static string Describe(string verb, long done, long? total)
        => total is > 0
            ? string.Create(CultureInfo.InvariantCulture, $"{verb}: {done / 1048576.0:0.0} of {total.Value / 1048576.0:0.0} MiB ({100.0 * done / total.Value:0}%)")
            : string.Create(CultureInfo.InvariantCulture, $"{verb}: {done / 1048576.0:0.0} MiB");

    /// <summary>An upload body that reports progress as it is sent.</summary>
    public sealed class UploadContent(byte[] bytes, TextWriter progress) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context)
            => CopyAsync(new MemoryStream(bytes, writable: false), stream, bytes.Length, "Restoring", progress, CancellationToken.None);

        protected override bool TryComputeLength(out long length)
        {
            length = bytes.Length;
            return true;
        }
    }
}
