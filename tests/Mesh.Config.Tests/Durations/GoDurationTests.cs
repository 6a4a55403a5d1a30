using Mesh.Config.Durations;

namespace Mesh.Config.Tests.Durations;

/// <summary>The one Go-duration parser, used by the API, agent config and the CA alike.</summary>
public sealed class GoDurationTests
{
    [Theory]
    [InlineData("72h", 72 * 3600_000L)]
    [InlineData("1h30m", 90 * 60_000L)]
    [InlineData("0.5h", 30 * 60_000L)]
    [InlineData("1.5s", 1500L)]
    [InlineData("250ms", 250L)]
    [InlineData("-2s", -2000L)]
    [InlineData("0", 0L)]
    public void TryParse_GoSyntax_IsParsed(string text, long milliseconds)
    {
        Assert.True(GoDuration.TryParse(text, out var duration));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), duration);
    }

    [Fact]
    public void TryParse_Nanoseconds_AreKeptToTheTick()
    {
        Assert.True(GoDuration.TryParse("1h0.0000001s", out var duration));
        Assert.Equal(TimeSpan.FromHours(1) + TimeSpan.FromTicks(1), duration);
    }

    [Theory]
    [InlineData("")]
    [InlineData("72")]
    [InlineData("h")]
    [InlineData("3 days")]
    [InlineData("1x")]
    [InlineData("99999999999999999999999999h")]
    public void TryParse_NotGoSyntaxOrOutOfRange_IsRefused(string text) => Assert.False(GoDuration.TryParse(text, out _));

    [Theory]
    [InlineData(72 * 3600_000L, "72h")]
    [InlineData(90 * 60_000L, "1h30m0s")]
    [InlineData(1500L, "1.5s")]
    public void FormatHours_WholeHoursShort_ElseGo(long milliseconds, string expected)
        => Assert.Equal(expected, GoDuration.FormatHours(TimeSpan.FromMilliseconds(milliseconds)));

    [Theory]
    [InlineData(72 * 3600_000L, "72h0m0s")]
    [InlineData(250L, "250ms")]
    [InlineData(0L, "0s")]
    public void Format_IsGosDurationString(long milliseconds, string expected)
        => Assert.Equal(expected, GoDuration.Format(TimeSpan.FromMilliseconds(milliseconds)));
}
