using System.Diagnostics;

namespace Mesh.Agent.Tests.Cli.Tls;

/// <summary>
/// Runs a program to completion in a given folder: the real <c>mesh</c> executable (its <c>tls</c> commands write into
/// the working directory, which is process-wide and so cannot be changed in-process) or <c>openssl</c>.
/// </summary>
public static class ExternalProcess
{
    public static string MeshDll => Path.Combine(AppContext.BaseDirectory, "mesh.dll");

    public static Task<Cli.Outcome> MeshAsync(string workingDirectory, params string[] args)
        => RunAsync("dotnet", workingDirectory, [MeshDll, .. args]);

    public static Task<Cli.Outcome> OpensslAsync(string workingDirectory, params string[] args)
        => RunAsync("openssl", workingDirectory, args);

    public static async Task<Cli.Outcome> RunAsync(string program, string workingDirectory, IReadOnlyList<string> args)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {program}");
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var error = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return new Cli.Outcome(process.ExitCode, await output, await error);
    }
}
