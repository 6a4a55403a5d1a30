using Mesh.Agent.Cli;

namespace Mesh.Agent.Tests.Cli;

/// <summary>Runs a <c>mesh</c> command in-process and captures what it printed.</summary>
public static class Cli
{
    public sealed record Outcome(int ExitCode, string Out, string Error);

    public static async Task<Outcome> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var code = await CommandLine.RunAsync(args, new CliConsole(output, error), timeout.Token);
        return new Outcome(code, output.ToString(), error.ToString());
    }

    public static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
