using System.Diagnostics.Metrics;
using Mesh.Server.Metrics;

namespace Mesh.Server.Tests.Metrics;

public sealed class MetricsCollectorTests
{
    [Fact]
    public void Collect_Histogram_ReportsSampleStatistics()
    {
        using var meter = new Meter("Test.Collector");
        using var collector = new MetricsCollector();
        collector.Track(meter);
        var histogram = meter.CreateHistogram<double>("test.latency");

        histogram.Record(2);
        histogram.Record(4);
        histogram.Record(9);

        var sample = Assert.Single(collector.Collect().Samples);
        Assert.Equal("consul.test.latency", sample.Name);
        Assert.Equal(3, sample.Count);
        Assert.Equal(15, sample.Sum);
        Assert.Equal(2, sample.Min);
        Assert.Equal(9, sample.Max);
        Assert.Equal(5, sample.Mean);
        Assert.Equal(Math.Sqrt(13), sample.Stddev, 9); // sample variance of 2, 4, 9 is 13
        Assert.True(sample.Rate > 0);
    }

    [Fact]
    public void Collect_CountersWithLabels_OneSeriesPerLabelSet()
    {
        using var meter = new Meter("Test.Collector");
        using var collector = new MetricsCollector();
        collector.Track(meter);
        var counter = meter.CreateCounter<long>("consul.catalog.register");

        counter.Add(1, new KeyValuePair<string, object?>("kind", "b"));
        counter.Add(1, new KeyValuePair<string, object?>("kind", "a"));
        counter.Add(3, new KeyValuePair<string, object?>("kind", "a"));

        var counters = collector.Collect().Counters;
        Assert.Equal(["a", "b"], counters.Select(c => c.Labels["kind"]));
        Assert.All(counters, c => Assert.Equal("consul.catalog.register", c.Name));
        Assert.Equal((2L, 4.0, 1.0, 3.0), (counters[0].Count, counters[0].Sum, counters[0].Min, counters[0].Max));
    }

    [Fact]
    public void Collect_TagsInEitherOrder_OneSeries()
    {
        using var meter = new Meter("Test.Collector");
        using var collector = new MetricsCollector();
        collector.Track(meter);
        var histogram = meter.CreateHistogram<double>("test.http");
        var method = new KeyValuePair<string, object?>("method", "PUT");
        var path = new KeyValuePair<string, object?>("path", "v1_catalog_register");
        var extra = new KeyValuePair<string, object?>("code", 200);

        histogram.Record(1, method, path);
        histogram.Record(2, path, method);
        histogram.Record(3, extra, path, method);
        histogram.Record(4, method, extra, path);

        var samples = collector.Collect().Samples;
        Assert.Equal(2, samples.Count);
        var two = Assert.Single(samples, s => s.Labels.Count == 2);
        Assert.Equal((2L, 3.0, "PUT", "v1_catalog_register"), (two.Count, two.Sum, two.Labels["method"], two.Labels["path"]));
        var three = Assert.Single(samples, s => s.Labels.Count == 3);
        Assert.Equal((2L, 7.0, "200"), (three.Count, three.Sum, three.Labels["code"]));
    }

    [Fact]
    public void Collect_ObservableInstruments_ReadOnEachCollect()
    {
        using var meter = new Meter("Test.Collector");
        using var collector = new MetricsCollector();
        long total = 0;
        var gauge = 7;
        meter.CreateObservableCounter("xds.pushes", () => total);
        meter.CreateObservableGauge("xds.streams.active", () => gauge);
        collector.Track(meter); // after the instruments exist: they are still found

        total = 5;
        gauge = 3;
        var snapshot = collector.Collect();

        var counter = Assert.Single(snapshot.Counters);
        Assert.Equal(("consul.xds.server.pushes", 5L, 5.0, 1.0), (counter.Name, counter.Count, counter.Sum, counter.Mean));
        var streams = Assert.Single(snapshot.Gauges);
        Assert.Equal(("consul.xds.server.streams", 3.0), (streams.Name, streams.Value));
    }

    [Fact]
    public void Collect_UntrackedMeterOfSameName_Ignored()
    {
        using var tracked = new Meter("Test.Same");
        using var other = new Meter("Test.Same");
        using var collector = new MetricsCollector();
        collector.Track(tracked);
        tracked.CreateObservableGauge("mine", () => 1);
        other.CreateObservableGauge("theirs", () => 2);
        other.CreateCounter<int>("theirs.count").Add(1);

        var snapshot = collector.Collect();

        Assert.Equal(["consul.mine"], snapshot.Gauges.Select(g => g.Name));
        Assert.Empty(snapshot.Counters);
    }

    [Fact]
    public void Track_SecondMeter_KeepsPushedAggregatesOfTheFirst()
    {
        using var first = new Meter("Test.First");
        using var second = new Meter("Test.Second");
        using var collector = new MetricsCollector();
        collector.Track(first);
        var counter = first.CreateCounter<long>("first.events");
        counter.Add(2);

        collector.Track(second);
        counter.Add(3);

        Assert.Equal(5, Assert.Single(collector.Collect().Counters).Sum);
    }

    [Fact]
    public void Collect_DisposedMeter_DropsItsSeries()
    {
        var meter = new Meter("Test.Disposed");
        using var collector = new MetricsCollector();
        collector.Track(meter);
        meter.CreateCounter<long>("gone").Add(1);
        meter.CreateObservableGauge("gone.gauge", () => 1);

        meter.Dispose();

        var snapshot = collector.Collect();
        Assert.Empty(snapshot.Counters);
        Assert.Empty(snapshot.Gauges);
    }
}
