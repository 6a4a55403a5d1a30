using Mesh.Ca.Signing;

namespace Mesh.Ca.Tests;

public sealed class CsrLimiterTests
{
    [Fact]
    public void TryEnter_NoLimits_AlwaysAdmits()
    {
        var limiter = new CsrLimiter(new ManualClock());
        Assert.All(Enumerable.Range(0, 1000), _ => Assert.True(limiter.TryEnter(0, 0)));
    }

    [Fact]
    public void TryEnter_PerSecondLimit_AdmitsABurstThenRefillsWithTime()
    {
        var clock = new ManualClock();
        var limiter = new CsrLimiter(clock);
        Assert.True(limiter.TryEnter(2, 0));
        limiter.Exit();
        Assert.True(limiter.TryEnter(2, 0));
        limiter.Exit();
        Assert.False(limiter.TryEnter(2, 0));

        clock.Advance(TimeSpan.FromMilliseconds(500));
        Assert.True(limiter.TryEnter(2, 0));
        limiter.Exit();
        Assert.False(limiter.TryEnter(2, 0));
    }

    [Fact]
    public void TryEnter_ConcurrencyLimit_AdmitsAgainAfterExit()
    {
        var limiter = new CsrLimiter(new ManualClock());
        Assert.True(limiter.TryEnter(0, 2));
        Assert.True(limiter.TryEnter(0, 2));
        Assert.False(limiter.TryEnter(0, 2));
        limiter.Exit();
        Assert.True(limiter.TryEnter(0, 2));
    }

    private sealed class ManualClock : TimeProvider
    {
        private long _ticks = 1_000_000;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }
}
