using System.Text.Json.Nodes;
using Mesh.Config.ConfigEntries;
using Mesh.Fsm;
using Mesh.Fsm.Commands;
using Mesh.Fsm.Model;
using Mesh.Fsm.State;

namespace Mesh.Config.Tests.ConfigEntries;

/// <summary>The FSM enforces the config-entry graph rules at apply time, with the mesh domain's validator.</summary>
public sealed class ConfigEntryValidatorTests
{
    private const string RedirectAToB = """{"Kind":"service-resolver","Name":"a","Redirect":{"Service":"b"}}""";
    private const string RedirectBToA = """{"Kind":"service-resolver","Name":"b","Redirect":{"Service":"a"}}""";

    private static ConfigEntry Entry(string json) => ConfigEntryKinds.Decode((JsonObject)JsonNode.Parse(json)!).ToEntry();

    private static LogRecord Upsert(string json, int format = LogRecord.CurrentFormat)
        => new() { Format = format, Command = new UpsertConfigEntryCommand { Entry = Entry(json) } };

    private static LogRecord Delete(string kind, string name)
        => new() { Command = new DeleteConfigEntryCommand { Kind = kind, Name = name } };

    [Fact]
    public void Apply_SecondRedirectClosesALoop_IsRefusedAndChangesNothingButTheAppliedIndex()
    {
        var fsm = new StateMachine(new ConfigEntryValidator());
        Assert.True(fsm.Apply(1, Upsert(RedirectAToB)).Succeeded);
        var before = fsm.Current;

        var refused = fsm.Apply(2, Upsert(RedirectBToA));

        Assert.Equal(ApplyErrorKind.Invalid, refused.ErrorKind);
        Assert.Contains("redirect", refused.Error!, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(2, fsm.Current.AppliedIndex);
        Assert.Null(fsm.Current.FindConfigEntry("service-resolver", "b"));
        Assert.Equal(StoreSnapshotCodec.Digest(before with { AppliedIndex = 2 }), StoreSnapshotCodec.Digest(fsm.Current));
    }

    [Fact]
    public void Apply_DeleteThatBreaksARouter_IsRefused()
    {
        var fsm = new StateMachine(new ConfigEntryValidator());
        Assert.True(fsm.Apply(1, Upsert("""{"Kind":"service-defaults","Name":"web","Protocol":"http"}""")).Succeeded);
        Assert.True(fsm.Apply(2, Upsert("""{"Kind":"service-router","Name":"web","Routes":[{"Match":{"HTTP":{"PathPrefix":"/a"}}}]}""")).Succeeded);

        var refused = fsm.Apply(3, Delete("service-defaults", "web"));

        Assert.Equal(ApplyErrorKind.Invalid, refused.ErrorKind);
        Assert.NotNull(fsm.Current.FindConfigEntry("service-defaults", "web"));
    }

    [Fact]
    public void Apply_UnknownKind_IsRefused()
    {
        var fsm = new StateMachine(new ConfigEntryValidator());
        var refused = fsm.Apply(1, new LogRecord { Command = new UpsertConfigEntryCommand { Entry = new ConfigEntry { Kind = "no-such-kind", Name = "x" } } });
        Assert.Equal(ApplyErrorKind.Invalid, refused.ErrorKind);
        Assert.Contains("invalid config entry kind", refused.Error!, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_LogFormatBeforeValidation_AppliesAsWrittenSoOldLogsReplayTheSame()
    {
        // A log written before the FSM validated config entries may hold a pair that breaks a chain (two writes
        // through two servers); replaying it must reach the state the old servers reached, on every server.
        var validated = new StateMachine(new ConfigEntryValidator());
        var unvalidated = new StateMachine();
        foreach (var fsm in new[] { validated, unvalidated })
        {
            Assert.True(fsm.Apply(1, Upsert(RedirectAToB, format: 1)).Succeeded);
            Assert.True(fsm.Apply(2, Upsert(RedirectBToA, format: 1)).Succeeded);
        }

        Assert.Equal(StoreSnapshotCodec.Digest(unvalidated.Current), StoreSnapshotCodec.Digest(validated.Current));
        Assert.NotNull(validated.Current.FindConfigEntry("service-resolver", "b"));
    }

    [Fact]
    public void CheckUpsert_SameStateAndEntry_GivesTheSameAnswer()
    {
        var validator = new ConfigEntryValidator();
        var state = StoreState.Empty with
        {
            ConfigEntries = StoreState.Empty.ConfigEntries.SetItem(new ConfigEntryKey("service-resolver", "a"), Entry(RedirectAToB)),
        };

        var first = validator.CheckUpsert(state, Entry(RedirectBToA));
        var second = new ConfigEntryValidator().CheckUpsert(state, Entry(RedirectBToA));

        Assert.NotNull(first);
        Assert.Equal(first, second);
        Assert.Null(validator.CheckUpsert(StoreState.Empty, Entry(RedirectBToA)));
    }
}
