using System.Globalization;
using Mesh.Api.Snapshots;

namespace Mesh.Agent.Cli;

/// <summary><c>mesh snapshot save FILE</c>: writes a verified snapshot atomically, with mode 0600 (it will hold CA keys).</summary>
public sealed class SnapshotSaveCommand : ICliCommand
{
    public string Name => "snapshot save";

    public string Synopsis => "Saves a snapshot of the cluster state to a file";

    public async Task<int> RunAsync(IReadOnlyList<string> args, CliConsole console, CancellationToken cancellationToken)
    {
        var flags = new FlagSet(Name).AddBool("stale", "Take the snapshot from the server answering, even without a leader");
        HttpApiClient.AddFlags(flags);
        var rest = flags.Parse(args);
        if (rest.Count != 1)
        {
            throw new UsageException("Give exactly one file name");
        }

        var path = Path.GetFullPath(rest[0]);
        var temporary = path + ".tmp-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);
        using var client = HttpApiClient.FromFlags(flags);
        using var response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/v1/snapshot" + (flags.GetBool("stale") ? "?stale" : string.Empty)), cancellationToken).ConfigureAwait(false);
        var total = response.Content.Headers.ContentLength;
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            await using (var file = new FileStream(temporary, options))
            await using (var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false))
            {
                await SnapshotProgress.CopyAsync(body, file, total, "Saving", console.Error, cancellationToken).ConfigureAwait(false);
            }

            SnapshotContents contents;
            await using (var check = File.OpenRead(temporary))
            {
                contents = await SnapshotArchive.ReadAsync(check, cancellationToken).ConfigureAwait(false);
            }

            File.Move(temporary, path, overwrite: true);
            await console.Out.WriteLineAsync($"Saved and verified snapshot to index {contents.Meta.Index}").ConfigureAwait(false);
            return 0;
        }
        catch (InvalidDataException error)
        {
            throw new CliException($"The server sent a snapshot that does not verify: {error.Message}");
        }
        finally
        {
            File.Delete(temporary);
        }
    }
}

/// <summary><c>mesh snapshot restore FILE</c>: verifies the file locally, then restores it on every server through Raft.</summary>
public sealed class SnapshotRestoreCommand : ICliCommand
{
    public string Name => "snapshot restore";

    public string Synopsis => "Restores a snapshot of the cluster state";

    public async Task<int> RunAsync(IReadOnlyList<string> args, CliConsole console, CancellationToken cancellationToken)
    {
        var flags = new FlagSet(Name);
        HttpApiClient.AddFlags(flags);
        var rest = flags.Parse(args);
        if (rest.Count != 1)
        {
            throw new UsageException("Give exactly one file name");
        }

        byte[] bytes;
        SnapshotContents contents;
        try
        {
            bytes = await File.ReadAllBytesAsync(rest[0], cancellationToken).ConfigureAwait(false);
            contents = await SnapshotArchive.ReadAsync(new MemoryStream(bytes), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            throw new CliException($"Cannot restore {rest[0]}: {error.Message}");
        }

        using var client = HttpApiClient.FromFlags(flags);
        var content = new SnapshotProgress.UploadContent(bytes, console.Error);
        using var response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Put, "/v1/snapshot") { Content = content }, cancellationToken).ConfigureAwait(false);
        await console.Out.WriteLineAsync($"Restored snapshot (index {contents.Meta.Index}, {contents.Meta.Size} bytes of state)").ConfigureAwait(false);
        return 0;
    }
}

/// <summary><c>mesh snapshot inspect FILE</c>: metadata and per-table counts of a snapshot file.</summary>
public sealed class SnapshotInspectCommand : ICliCommand
{
    private static readonly string[] TableHeader = ["Table", "Count"];

    public string Name => "snapshot inspect";

    public string Synopsis => "Displays information about a snapshot file";

    public async Task<int> RunAsync(IReadOnlyList<string> args, CliConsole console, CancellationToken cancellationToken)
    {
        var rest = new FlagSet(Name).Parse(args);
        if (rest.Count != 1)
        {
            throw new UsageException("Give exactly one file name");
        }

        SnapshotContents contents;
        try
        {
            await using var file = File.OpenRead(rest[0]);
            contents = await SnapshotArchive.ReadAsync(file, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            throw new CliException($"Cannot inspect {rest[0]}: {error.Message}");
        }

        var meta = contents.Meta;
        var rows = new List<string[]>
        {
            new[] { "ID", meta.Id },
            new[] { "Size", meta.Size.ToString(CultureInfo.InvariantCulture) },
            new[] { "Index", meta.Index.ToString(CultureInfo.InvariantCulture) },
            new[] { "Term", meta.Term.ToString(CultureInfo.InvariantCulture) },
            new[] { "Version", meta.Version.ToString(CultureInfo.InvariantCulture) },
            new[] { "Digest", meta.StateDigest },
            new[] { "Content digest", meta.ContentDigest },
        };
        await CliTable.WriteAsync(console.Out, rows).ConfigureAwait(false);
        await console.Out.WriteLineAsync().ConfigureAwait(false);
        var tables = new List<string[]> { TableHeader.ToArray() };
        tables.AddRange(Mesh.Fsm.State.StoreSnapshotCodec.Counts(contents.State).Select(p => new[] { p.Key, p.Value.ToString(CultureInfo.InvariantCulture) }));
        await CliTable.WriteAsync(console.Out, tables).ConfigureAwait(false);
        return 0;
    }
}
