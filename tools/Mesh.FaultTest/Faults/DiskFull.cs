using System.Globalization;
using Mesh.FaultTest.Cluster;

namespace Mesh.FaultTest.Faults;

/// <summary>
/// A follower's data folder is moved onto a small tmpfs that is then filled up, and the follower restarts on it under
/// the writers: the other two must keep acknowledging writes, whatever the full follower does (it is observed: stays
/// up, or stops). Then the follower is stopped, its folder copied back to disk, the tmpfs unmounted, and it restarts
/// and must catch up with equal digests. Needs root (mount).
/// </summary>
public sealed class DiskFull : Fault
{
    public override string Name => "disk-full";

    public override bool IsAvailable(FaultCluster cluster) => Shell.IsRoot;

    public override async Task<string?> RunAsync(FaultContext context, CancellationToken cancellationToken)
    {
        var leader = await context.LeaderAsync(cancellationToken).ConfigureAwait(false);
        var follower = context.FollowerOf(leader);
        await follower.KillAsync().ConfigureAwait(false);
        var onDisk = follower.DataDir + ".ondisk";
        Directory.Move(follower.DataDir, onDisk);
        Directory.CreateDirectory(follower.DataDir);
        var used = DirectorySize(onDisk);
        var size = used + (8L << 20);
        var mounted = false;
        string? failure = null;
        try
        {
            await Shell.RunAsync("mount", ["-t", "tmpfs", "-o", $"size={size.ToString(CultureInfo.InvariantCulture)}", "tmpfs", follower.DataDir]).ConfigureAwait(false);
            mounted = true;
            WalTruncation.Copy(onDisk, follower.DataDir);
            follower.Start();
            await Task.Delay(TimeSpan.FromSeconds(2), cancellationToken).ConfigureAwait(false);
            Fill(follower.DataDir);
            var before = context.Workload.Acknowledged;
            await Task.Delay(context.Between(4, 7), cancellationToken).ConfigureAwait(false);
            var during = context.Workload.Acknowledged - before;
            var state = follower.IsRunning ? "kept running" : $"exited ({follower.ExitCode})";
            context.Log($"filled the data folder of {follower.Name}: it {state}; {during} writes acknowledged meanwhile");
            context.Observe($"{Name}: follower {(follower.IsRunning ? "kept running" : "exited")}");
            if (during == 0)
            {
                failure = $"no write was acknowledged while {follower.Name}'s disk was full";
            }

            await follower.KillAsync().ConfigureAwait(false);
            File.Delete(Path.Combine(follower.DataDir, "filler"));
            Directory.Delete(onDisk, recursive: true);
            WalTruncation.Copy(follower.DataDir, onDisk);
        }
        finally
        {
            await follower.KillAsync().ConfigureAwait(false);
            if (mounted)
            {
                await Shell.RunAsync("umount", ["-l", follower.DataDir], check: false).ConfigureAwait(false);
            }

            Directory.Delete(follower.DataDir, recursive: true);
            Directory.Move(onDisk, follower.DataDir);
            follower.Start();
        }

        return failure;
    }

    private static void Fill(string folder)
    {
        try
        {
            using var filler = new FileStream(Path.Combine(folder, "filler"), FileMode.Create, FileAccess.Write);
            var block = new byte[1 << 16];
            while (true)
            {
                filler.Write(block);
            }
        }
        catch (IOException)
        {
            // ENOSPC: the disk is full now.
        }
    }

    private static long DirectorySize(string folder)
        => Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
}
