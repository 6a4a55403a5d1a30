using System.IO.Pipelines;
using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Features;

namespace Mesh.Raft.Transport;

/// <summary>
/// A connection for DotNext's Raft transport over any stream: used for Raft over TLS, where the bytes pass through an
/// <see cref="System.Net.Security.SslStream"/> instead of the socket Kestrel's factory would wrap.
/// </summary>
internal sealed class StreamConnectionContext : ConnectionContext
{
    private readonly Stream _stream;
    private readonly CancellationTokenSource _closed = new();
    private int _disposed;

    public StreamConnectionContext(Stream stream, EndPoint? local, EndPoint? remote)
    {
        _stream = stream;
        LocalEndPoint = local;
        RemoteEndPoint = remote;
        Transport = new DuplexPipe(
            PipeReader.Create(stream, new StreamPipeReaderOptions(leaveOpen: true)),
            PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true)));
    }

    public override string ConnectionId { get; set; } = Guid.NewGuid().ToString("N");

    public override IFeatureCollection Features { get; } = new FeatureCollection();

    public override IDictionary<object, object?> Items { get; set; } = new Dictionary<object, object?>();

    public override IDuplexPipe Transport { get; set; }

    public override CancellationToken ConnectionClosed
    {
        get => _closed.Token;
        set => throw new NotSupportedException();
    }

    public override void Abort(ConnectionAbortedException abortReason)
    {
        if (Volatile.Read(ref _disposed) == 0 && !_closed.IsCancellationRequested)
        {
            _closed.Cancel();
        }

        _stream.Dispose();
    }

    public override async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            await base.DisposeAsync().ConfigureAwait(false);
            return;
        }

        await Transport.Output.CompleteAsync().ConfigureAwait(false);
        await Transport.Input.CompleteAsync().ConfigureAwait(false);
        await _stream.DisposeAsync().ConfigureAwait(false);
        await _closed.CancelAsync().ConfigureAwait(false);
        _closed.Dispose();
        await base.DisposeAsync().ConfigureAwait(false);
    }

    private sealed record DuplexPipe(PipeReader Input, PipeWriter Output) : IDuplexPipe;
}
