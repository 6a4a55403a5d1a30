using Mesh.FaultTest.Cluster;

namespace Mesh.FaultTest.Faults;

/// <summary>
/// A follower is SIGKILLed and the tail of its newest write-ahead-log file is cut off (a torn write). Documented
/// behaviour (docs/architecture.md, "Damaged data"): the server refuses to start with a message naming the damaged
/// folder or file, and skips nothing. Recovering without losing acknowledged entries is accepted too (the cut may
/// fall in unused space). Anything else fails the round: a server that runs without ever catching up, or one that
/// exits without a message naming the damage. Afterwards the original files are put back and it restarts.
/// </summary>
public sealed class WalTruncation : Fault
{
    public override string Name => "wal-truncation";

    public override async Task<string?> RunAsync(FaultContext context, CancellationToken cancellationToken)
    {
        var leader = await context.LeaderAsync(cancellationToken).ConfigureAwait(false);
        var follower = context.FollowerOf(leader);
        await follower.KillAsync().ConfigureAwait(false);

        // The newest page of the entry data or of the entry metadata (DotNext's WAL keeps both in numbered pages).
        var part = context.Random.Next(2) == 0 ? "data" : "metadata";
        var files = Directory.EnumerateFiles(follower.DataDir, "*", SearchOption.AllDirectories)
            .Where(f => Path.GetFileName(Path.GetDirectoryName(f)) == part && f.Split(Path.DirectorySeparatorChar).Contains("wal") && new FileInfo(f).Length > 1)
            .OrderByDescending(f => int.TryParse(Path.GetFileName(f), out var page) ? page : -1).ToList();
        if (files.Count == 0)
        {
            follower.Start();
            return "no write-ahead-log file found under " + follower.DataDir;
        }

        var backup = follower.DataDir + ".backup";
        CopyDirectory(follower.DataDir, backup);
        var victim = files[0];
        var length = new FileInfo(victim).Length;
        var cut = context.Random.Next(1, (int)Math.Min(length, int.MaxValue));
        await using (var stream = new FileStream(victim, FileMode.Open, FileAccess.Write))
        {
            stream.SetLength(length - cut);
        }

        follower.Start();

        // Starting takes a while on a loaded machine: wait for a refusal (exit) or for the server to be back in the cluster.
        var settled = await FaultCluster.WaitUntilAsync(async () => !follower.IsRunning || await context.Cluster.IsHealthyAsync(cancellationToken).ConfigureAwait(false), TimeSpan.FromSeconds(120), cancellationToken).ConfigureAwait(false);
        var exited = !follower.IsRunning;
        if (!settled)
        {
            context.Log($"{follower.Name} neither refused to start nor rejoined within 120s after a torn log tail");
        }

        string? failure = null;
        string outcome;
        if (exited)
        {
            var tail = follower.Tail(30);
            var named = tail.Contains("wal", StringComparison.OrdinalIgnoreCase) || tail.Contains(follower.DataDir, StringComparison.Ordinal);
            outcome = $"refused to start (exit {follower.ExitCode})" + (named ? " naming the damaged log" : string.Empty);
            if (!named)
            {
                failure = $"{follower.Name} exited after a torn log tail without naming the damaged folder:\n{tail}";
            }

            Directory.Delete(follower.DataDir, recursive: true);
            Directory.Move(backup, follower.DataDir);
            follower.Start();
        }
        else
        {
            outcome = "started (the cut fell in unused or uncommitted space); caught up";
            Directory.Delete(backup, recursive: true);
        }

        context.Log($"cut {cut} of {length} bytes off wal/{part}/{Path.GetFileName(victim)} of {follower.Name}: {outcome}");
        context.Observe($"{Name}: {(exited ? "refused to start" : "started and caught up")}");
        return failure;
    }

    private static void CopyDirectory(string source, string destination)
    {
        Directory.CreateDirectory(destination);
        foreach (var file in Directory.EnumerateFiles(source))
        {
            File.Copy(file, Path.Combine(destination, Path.GetFileName(file)), overwrite: true);
        }

        foreach (var directory in Directory.EnumerateDirectories(source))
        {
            CopyDirectory(directory, Path.Combine(destination, Path.GetFileName(directory)));
        }
    }

    public static void Copy(string source, string destination) => CopyDirectory(source, destination);
}
