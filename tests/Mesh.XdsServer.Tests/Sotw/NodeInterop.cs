using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;

namespace Mesh.XdsServer.Tests.Sotw;

/// <summary>
/// The Node.js interop client in <c>interop/</c>: finds node and npm, installs the pinned packages (npm ci from the
/// committed lock file) into a temp folder keyed by the lock file's hash, never into the source tree, and runs
/// scripts with a time limit.
/// </summary>
internal static class NodeInterop
{
    public static string SourceDirectory([CallerFilePath] string thisFile = "")
        => Path.Combine(Path.GetDirectoryName(thisFile)!, "interop");

    /// <summary>Why interop cannot run here (node or npm missing), or null when it can. Synchronous: test discovery calls it.</summary>
    public static string? MissingTool()
    {
        foreach (var tool in new[] { "node", "npm" })
        {
            try
            {
                using var process = Process.Start(new ProcessStartInfo(tool, "--version")
                {
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                    UseShellExecute = false,
                })!;
                if (!process.WaitForExit(TimeSpan.FromSeconds(30)))
                {
                    process.Kill(entireProcessTree: true);
                    return $"{tool} --version did not answer within 30 s";
                }

                if (process.ExitCode != 0)
                {
                    return $"{tool} --version exited with {process.ExitCode}";
                }
            }
            catch (System.ComponentModel.Win32Exception)
            {
                return $"{tool} is not on PATH";
            }
        }

        return null;
    }

    /// <summary>A folder holding client.js and its node_modules, installed once per lock file version.</summary>
    public static async Task<string> InstallAsync()
    {
        var source = SourceDirectory();
        var lockHash = Convert.ToHexString(SHA256.HashData(await File.ReadAllBytesAsync(Path.Combine(source, "package-lock.json"))))[..16];
        var target = Path.Combine(Path.GetTempPath(), "mesh-sotw-interop-" + lockHash);
        var ready = Path.Combine(target, "node_modules", ".mesh-installed");
        if (!File.Exists(ready))
        {
            var staging = target + "-" + Guid.NewGuid().ToString("N")[..8];
            Directory.CreateDirectory(staging);
            foreach (var file in new[] { "package.json", "package-lock.json" })
            {
                File.Copy(Path.Combine(source, file), Path.Combine(staging, file));
            }

            var (code, output, error) = await RunAsync("npm", ["ci", "--no-audit", "--no-fund", "--ignore-scripts"], staging, new Dictionary<string, string>(), TimeSpan.FromSeconds(240));
            Assert.True(code == 0, $"npm ci failed ({code}):\n{output}\n{error}");
            await File.WriteAllTextAsync(Path.Combine(staging, "node_modules", ".mesh-installed"), lockHash);
            try
            {
                if (Directory.Exists(target))
                {
                    Directory.Delete(target, recursive: true);
                }

                Directory.Move(staging, target);
            }
            catch (IOException) when (File.Exists(ready))
            {
                // Another run installed the same lock file first.
                Directory.Delete(staging, recursive: true);
            }
        }

        // The script itself always comes from the source tree, so edits to it need no reinstall.
        File.Copy(Path.Combine(source, "client.js"), Path.Combine(target, "client.js"), overwrite: true);
        return target;
    }

    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(
        string fileName, IReadOnlyList<string> arguments, string workingDirectory, IReadOnlyDictionary<string, string> environment, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            return (-1, await output, $"timed out after {timeout.TotalSeconds:0} s\n{await error}");
        }

        return (process.ExitCode, await output, await error);
    }
}
