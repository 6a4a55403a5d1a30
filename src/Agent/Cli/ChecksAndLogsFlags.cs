using Mesh.Agent.Hosting;
using Mesh.Config.Durations;

namespace Mesh.Agent.Cli;

/// <summary>
/// <c>mesh agent</c> flags for script checks, config folders and log output, with Consul's names; flags given on the
/// command line override config files. (<c>-config-dir</c> is declared with <c>-config-file</c>.)
/// </summary>
public static class ChecksAndLogsFlags
{
    public static FlagSet Add(FlagSet flags) => flags
        .AddBool("enable-script-checks", "Run script checks registered through the HTTP API or config files")
        .AddBool("enable-local-script-checks", "Run script checks defined in config files only")
        .AddBool("log-json", "Write logs as JSON, one object per line")
        .AddString("log-file", null, "Also write logs to this file (a path ending in / gets consul.log)")
        .AddInt("log-rotate-bytes", 0, "Rotate the log file once it holds this many bytes (0: by time only)")
        .AddString("log-rotate-duration", "24h", "Rotate the log file after this long")
        .AddInt("log-rotate-max-files", 0, "Rotated log files kept (0: all, -1: none)");

    public static AgentConfig Apply(AgentConfig config, FlagSet flags)
    {
        if (flags.IsSet("enable-script-checks"))
        {
            config = config with { EnableScriptChecks = flags.GetBool("enable-script-checks") };
        }

        if (flags.IsSet("enable-local-script-checks"))
        {
            config = config with { EnableLocalScriptChecks = flags.GetBool("enable-local-script-checks") };
        }

        var log = config.LogOutput;
        if (flags.IsSet("log-json"))
        {
            log = log with { Json = flags.GetBool("log-json") };
        }

        if (flags.IsSet("log-file"))
        {
            log = log with { File = flags.GetString("log-file") };
        }

        if (flags.IsSet("log-rotate-bytes"))
        {
            log = flags.GetInt("log-rotate-bytes") is var bytes and >= 0 ? log with { RotateBytes = bytes } : throw new UsageException("-log-rotate-bytes cannot be negative");
        }

        if (flags.IsSet("log-rotate-duration"))
        {
            log = GoDuration.TryParse(flags.GetString("log-rotate-duration"), out var every) && every > TimeSpan.Zero
                ? log with { RotateDuration = every }
                : throw new UsageException($"-log-rotate-duration \"{flags.GetString("log-rotate-duration")}\" is not a positive duration such as 24h");
        }

        if (flags.IsSet("log-rotate-max-files"))
        {
            log = log with { RotateMaxFiles = flags.GetInt("log-rotate-max-files") };
        }

        return config with { LogOutput = log };
    }
}
