using Mesh.Agent.Logging;
using Mesh.Testing;

namespace Mesh.Agent.Tests.Logging;

/// <summary>Rotation of the <c>-log-file</c> by size, with Consul's file names and <c>log_rotate_max_files</c>.</summary>
public sealed class RotatingLogFileTests
{
    [Fact]
    public void RotateBytes_RenamesWithTimestampAndKeepsMaxFiles()
    {
        using var folder = new TempDirectory();
        using (var file = new RotatingLogFile(new LogOutputOptions { File = folder.Path + "/", RotateBytes = 200, RotateMaxFiles = 2 }))
        {
            for (var i = 0; i < 40; i++)
            {
                file.Write($"line {i:D3} {new string('x', 50)}\n");
            }
        }

        Assert.True(File.Exists(Path.Combine(folder.Path, "consul.log")));
        var rotated = Directory.GetFiles(folder.Path, "consul-*.log");
        Assert.Equal(2, rotated.Length);
        Assert.All(rotated, path =>
        {
            Assert.Matches(@"consul-\d{19}\.log$", path);
            Assert.True(new FileInfo(path).Length >= 200, "a file is rotated once it holds log_rotate_bytes");
        });

        // The newest lines are in the current file; the oldest rotated files were deleted.
        Assert.Contains("line 039", File.ReadAllText(Path.Combine(folder.Path, "consul.log")), StringComparison.Ordinal);
        Assert.DoesNotContain(rotated, path => File.ReadAllText(path).Contains("line 000", StringComparison.Ordinal));
    }

    [Fact]
    public void NameWithoutExtension_GetsLog_AndZeroMaxFilesKeepsAll()
    {
        using var folder = new TempDirectory();
        using (var file = new RotatingLogFile(new LogOutputOptions { File = Path.Combine(folder.Path, "agent"), RotateBytes = 100 }))
        {
            for (var i = 0; i < 10; i++)
            {
                file.Write(new string('y', 60) + "\n");
            }
        }

        Assert.True(File.Exists(Path.Combine(folder.Path, "agent.log")));
        Assert.Equal(4, Directory.GetFiles(folder.Path, "agent-*.log").Length); // 2 lines (122 bytes) per file: 4 rotated + 1 current
    }
}
