using Grpc.Core;
using Mesh.XdsServer.Streams;

namespace Mesh.XdsServer.Tests.Streams;

public sealed class XdsStreamsTests
{
    [Fact]
    public void Admit_UpToTheCap_ThenResourceExhausted()
    {
        using var streams = new XdsStreams(new XdsServerOptions { MaxStreams = 2 });
        using var first = streams.Admit();
        using var second = streams.Admit();

        var error = Assert.Throws<RpcException>(() => streams.Admit());

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Contains("too many xDS streams", error.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(2, streams.Open);
        Assert.Equal(1, streams.Metrics.StreamsRejected);
    }

    [Fact]
    public void Admit_AfterRelease_AcceptsAgain()
    {
        using var streams = new XdsStreams(new XdsServerOptions { MaxStreams = 1 });
        var lease = streams.Admit();
        lease.Dispose();
        lease.Dispose(); // twice is harmless

        using var again = streams.Admit();

        Assert.Equal(1, streams.Open);
        Assert.Equal(1, streams.Metrics.ActiveStreams);
        Assert.Equal(2, streams.Metrics.StreamsOpened);
    }

    [Fact]
    public async Task Admit_ConcurrentAtTheCap_NeverOverAdmitsNorFalselyRejects()
    {
        const int cap = 50;
        using var streams = new XdsStreams(new XdsServerOptions { MaxStreams = cap });
        var admitted = 0;
        var rejected = 0;
        var leases = new System.Collections.Concurrent.ConcurrentBag<XdsStreams.Lease>();

        await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => Task.Run(() =>
        {
            try
            {
                leases.Add(streams.Admit());
                Interlocked.Increment(ref admitted);
            }
            catch (RpcException)
            {
                Interlocked.Increment(ref rejected);
            }
        })));

        Assert.Equal(cap, admitted);
        Assert.Equal(150, rejected);
        Assert.Equal(cap, streams.Open);
        foreach (var lease in leases)
        {
            lease.Dispose();
        }

        Assert.Equal(0, streams.Open);
    }

    [Fact]
    public async Task DrainAsync_RefusesNewStreamsWithUnavailable()
    {
        using var streams = new XdsStreams(new XdsServerOptions());

        await streams.DrainAsync(TimeSpan.FromSeconds(1));

        Assert.True(streams.Draining.IsCancellationRequested);
        var error = Assert.Throws<RpcException>(() => streams.Admit());
        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
    }

    [Fact]
    public void LatencyHistogram_Records_CountsMaxAndQuantiles()
    {
        var histogram = new LatencyHistogram();
        for (var i = 0; i < 99; i++)
        {
            histogram.Record(TimeSpan.FromMilliseconds(3));
        }

        histogram.Record(TimeSpan.FromMilliseconds(700));

        Assert.Equal(100, histogram.Count);
        Assert.Equal(5, histogram.QuantileUpperBoundMs(0.5));
        Assert.Equal(5, histogram.QuantileUpperBoundMs(0.99));
        Assert.Equal(1000, histogram.QuantileUpperBoundMs(1.0));
        Assert.Equal(700, histogram.Max.TotalMilliseconds, 1);
    }
}
