using Mesh.Agent.Cli;

namespace Mesh.Agent.Tests.Cli;

public sealed class FlagSetTests
{
    private static FlagSet NewFlags() => new FlagSet("test")
        .AddString("a", "default-a", "a string")
        .AddInt("n", 7, "an int")
        .AddBool("dev", "a bool")
        .AddList("join", "a list");

    [Theory]
    [InlineData("-a=1")]
    [InlineData("--a=1")]
    [InlineData("-a", "1")]
    [InlineData("--a", "1")]
    public void Parse_StringFlagSpellings_AllSetTheValue(params string[] args)
    {
        var flags = NewFlags();
        var rest = flags.Parse(args);
        Assert.Empty(rest);
        Assert.True(flags.IsSet("a"));
        Assert.Equal("1", flags.GetString("a"));
    }

    [Fact]
    public void Parse_NothingGiven_DefaultsApplyAndNothingIsSet()
    {
        var flags = NewFlags();
        Assert.Empty(flags.Parse([]));
        Assert.False(flags.IsSet("a"));
        Assert.Equal("default-a", flags.GetString("a"));
        Assert.Equal(7, flags.GetInt("n"));
        Assert.False(flags.GetBool("dev"));
        Assert.Empty(flags.GetStrings("join"));
    }

    [Fact]
    public void Parse_BareBool_IsTrueAndDoesNotTakeTheNextArgument()
    {
        var flags = NewFlags();
        var rest = flags.Parse(["-dev", "positional"]);
        Assert.True(flags.GetBool("dev"));
        Assert.Equal(["positional"], rest);
    }

    [Theory]
    [InlineData("-dev=false", false)]
    [InlineData("-dev=0", false)]
    [InlineData("-dev=true", true)]
    [InlineData("-dev=T", true)]
    public void Parse_BoolWithValue_UsesGoSpellings(string arg, bool expected)
    {
        var flags = NewFlags();
        flags.Parse([arg]);
        Assert.True(flags.IsSet("dev"));
        Assert.Equal(expected, flags.GetBool("dev"));
    }

    [Fact]
    public void Parse_BadBool_IsUsageError()
    {
        var error = Assert.Throws<UsageException>(() => NewFlags().Parse(["-dev=maybe"]));
        Assert.Contains("invalid boolean value \"maybe\" for -dev", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_RepeatedListFlag_KeepsEveryValueInOrder()
    {
        var flags = NewFlags();
        flags.Parse(["-join", "10.0.0.1", "-join=10.0.0.2", "--join", "10.0.0.3"]);
        Assert.Equal(["10.0.0.1", "10.0.0.2", "10.0.0.3"], flags.GetStrings("join"));
    }

    [Fact]
    public void Parse_RepeatedScalarFlag_LastOneWins()
    {
        var flags = NewFlags();
        flags.Parse(["-n=1", "-n", "2"]);
        Assert.Equal(2, flags.GetInt("n"));
    }

    [Fact]
    public void Parse_DoubleDash_StopsParsingAndIsDropped()
    {
        var flags = NewFlags();
        var rest = flags.Parse(["-a=x", "--", "-dev", "file"]);
        Assert.Equal(["-dev", "file"], rest);
        Assert.False(flags.GetBool("dev"));
    }

    [Fact]
    public void Parse_FirstPositional_StopsParsing()
    {
        var flags = NewFlags();
        var rest = flags.Parse(["-a=x", "file.json", "-dev"]);
        Assert.Equal(["file.json", "-dev"], rest);
        Assert.False(flags.IsSet("dev"));
        Assert.Equal("x", flags.GetString("a"));
    }

    [Fact]
    public void Parse_LoneDash_IsPositional()
    {
        var rest = NewFlags().Parse(["-"]);
        Assert.Equal(["-"], rest);
    }

    [Theory]
    [InlineData("-x")]
    [InlineData("--x=1")]
    public void Parse_UnknownFlag_IsUsageErrorNamingIt(string arg)
    {
        var error = Assert.Throws<UsageException>(() => NewFlags().Parse([arg]));
        Assert.Equal("flag provided but not defined: -x", error.Message);
    }

    [Fact]
    public void Parse_MissingValue_IsUsageError()
    {
        var error = Assert.Throws<UsageException>(() => NewFlags().Parse(["-a"]));
        Assert.Equal("flag needs an argument: -a", error.Message);
    }

    [Fact]
    public void Parse_BadInt_IsUsageError()
    {
        var error = Assert.Throws<UsageException>(() => NewFlags().Parse(["-n=seven"]));
        Assert.Contains("invalid value \"seven\" for flag -n", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("---a")]
    [InlineData("-=1")]
    public void Parse_BadSyntax_IsUsageError(string arg)
    {
        var error = Assert.Throws<UsageException>(() => NewFlags().Parse([arg]));
        Assert.StartsWith("bad flag syntax", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("-h")]
    [InlineData("-help")]
    [InlineData("--help")]
    public void Parse_Help_ThrowsHelpWithUsageListingFlags(string arg)
    {
        var help = Assert.Throws<HelpRequestedException>(() => NewFlags().Parse([arg]));
        Assert.Contains("Usage: mesh test [options]", help.Message, StringComparison.Ordinal);
        Assert.Contains("-join=<value>", help.Message, StringComparison.Ordinal);
        Assert.Contains("(default: 7)", help.Message, StringComparison.Ordinal);
    }
}
