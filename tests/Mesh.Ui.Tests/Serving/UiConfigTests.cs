using Mesh.Agent.Cli;

namespace Mesh.Ui.Tests.Serving;

/// <summary>Consul's switches for the UI: on in <c>-dev</c>, off otherwise unless <c>-ui</c> or <c>ui_config.enabled</c>.</summary>
public sealed class UiConfigTests
{
    private static Mesh.Agent.Hosting.AgentConfig Build(params string[] args)
    {
        var flags = AgentCommand.Flags();
        flags.Parse(args);
        return AgentCommand.Build(flags);
    }

    [Fact]
    public void Dev_mode_turns_the_UI_on_and_a_server_has_it_off_unless_asked()
    {
        Assert.True(Build("-dev").UiEnabled);
        Assert.False(Build("-data-dir", "/tmp/x").UiEnabled);
        Assert.True(Build("-data-dir", "/tmp/x", "-ui").UiEnabled);
        Assert.False(Build("-dev", "-ui=false").UiEnabled);
    }

    [Fact]
    public void Ui_config_enabled_and_the_legacy_ui_key_are_read_and_bad_values_refused()
    {
        using var folder = new Mesh.Testing.TempDirectory();
        string File(string name, string json)
        {
            var path = Path.Combine(folder.Path, name);
            System.IO.File.WriteAllText(path, json);
            return path;
        }

        Assert.True(Build("-data-dir", "/tmp/x", "-config-file", File("on.json", """{"ui_config":{"enabled":true}}""")).UiEnabled);
        Assert.False(Build("-dev", "-config-file", File("off.json", """{"ui_config":{"enabled":false}}""")).UiEnabled);
        Assert.True(Build("-data-dir", "/tmp/x", "-config-file", File("legacy.json", """{"ui":true}""")).UiEnabled);

        var unknown = Assert.Throws<UsageException>(() => Build("-dev", "-config-file", File("unknown.json", """{"ui_config":{"dir":"/srv/ui"}}""")));
        Assert.Contains("ui_config.dir", unknown.Message, StringComparison.Ordinal);
        var notBool = Assert.Throws<UsageException>(() => Build("-dev", "-config-file", File("bad.json", """{"ui_config":{"enabled":"yes"}}""")));
        Assert.Contains("ui_config.enabled", notBool.Message, StringComparison.Ordinal);
    }
}
