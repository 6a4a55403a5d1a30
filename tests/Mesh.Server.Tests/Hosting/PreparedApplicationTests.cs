using Mesh.Server.Hosting;

namespace Mesh.Server.Tests.Hosting;

public sealed class PreparedApplicationTests
{
    [Fact]
    public async Task BuildsOnce_AndDisposesWhatItBuilt_StartedOrNot()
    {
        var builds = 0;
        var prepared = new PreparedApplication<Disposable>();
        Disposable Build()
        {
            Interlocked.Increment(ref builds);
            return new Disposable();
        }

        prepared.Begin(Build);
        prepared.Begin(Build);
        var app = await prepared.GetAsync(Build, CancellationToken.None);
        await prepared.DisposeAsync();
        await prepared.DisposeAsync();

        Assert.Equal(1, builds);
        Assert.Equal(1, app.Disposals);
    }

    [Fact]
    public async Task AfterDisposal_BuildsNothing_AndGetThrows()
    {
        var prepared = new PreparedApplication<Disposable>();
        await prepared.DisposeAsync();

        prepared.Begin(() => throw new InvalidOperationException("built after disposal"));

        await Assert.ThrowsAsync<ObjectDisposedException>(() => prepared.GetAsync(() => new Disposable(), CancellationToken.None));
    }

    private sealed class Disposable : IAsyncDisposable
    {
        public int Disposals { get; private set; }

        public ValueTask DisposeAsync()
        {
            Disposals++;
            return ValueTask.CompletedTask;
        }
    }
}
