namespace Mesh.Raft.Tests.Support;

/// <summary>
/// Copies a running server's data folder: what SIGKILL leaves on disk (the page cache survives the process), without
/// the files a graceful shutdown would flush.
/// </summary>
public static class CrashImage
{
    public static void Copy(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
        {
            // Open with sharing: the running server holds its files (and writes snapshots to temp files) meanwhile.
            try
            {
                using var source = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                using var target = File.Create(Path.Combine(to, Path.GetFileName(file)));
                source.CopyTo(target);
            }
            catch (IOException) when (file.EndsWith(".tmp", StringComparison.Ordinal) || !File.Exists(file))
            {
                // A snapshot still being written (locked) or a file renamed meanwhile: restart ignores temp files.
            }
        }

        foreach (var directory in Directory.GetDirectories(from))
        {
            Copy(directory, Path.Combine(to, Path.GetFileName(directory)));
        }
    }
}
