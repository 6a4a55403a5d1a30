using System.Formats.Tar;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Mesh.Fsm.State;

namespace Mesh.Api.Snapshots;

/// <summary>
/// Consul's operator snapshot format: a gzip-compressed tar holding <c>meta.json</c>, <c>state.bin</c> and
/// <c>SHA256SUMS</c> ("hex  name" lines), entries with mode 0600. Reading verifies every hash and that the state decodes.
/// </summary>
public static class SnapshotArchive
{
    public const string MetaFile = "meta.json";
    public const string StateFile = "state.bin";
    public const string SumsFile = "SHA256SUMS";

    public static async Task WriteAsync(Stream destination, SnapshotMeta meta, byte[] state, CancellationToken cancellationToken)
    {
        meta = meta with { Size = state.Length };
        var metaBytes = JsonSerializer.SerializeToUtf8Bytes(meta, SnapshotJsonContext.Default.SnapshotMeta);
        var sums = Encoding.ASCII.GetBytes(
            $"{Convert.ToHexStringLower(SHA256.HashData(metaBytes))}  {MetaFile}\n{Convert.ToHexStringLower(SHA256.HashData(state))}  {StateFile}\n");
        await using var gzip = new GZipStream(destination, CompressionLevel.Fastest, leaveOpen: true);
        await using (var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true))
        {
            await AddAsync(tar, MetaFile, metaBytes, cancellationToken).ConfigureAwait(false);
            await AddAsync(tar, StateFile, state, cancellationToken).ConfigureAwait(false);
            await AddAsync(tar, SumsFile, sums, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task AddAsync(TarWriter tar, string name, byte[] content, CancellationToken cancellationToken)
    {
        var entry = new PaxTarEntry(TarEntryType.RegularFile, name)
        {
            Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
            ModificationTime = DateTimeOffset.UnixEpoch,
            DataStream = new MemoryStream(content, writable: false),
        };
        await tar.WriteEntryAsync(entry, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads and verifies an archive; throws <see cref="InvalidDataException"/> naming what is wrong.</summary>
    public static async Task<SnapshotContents> ReadAsync(Stream source, CancellationToken cancellationToken)
    {
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        try
        {
            await using var gzip = new GZipStream(source, CompressionMode.Decompress, leaveOpen: true);
            await using var tar = new TarReader(gzip, leaveOpen: false);
            while (await tar.GetNextEntryAsync(copyData: true, cancellationToken).ConfigureAwait(false) is { } entry)
            {
                if (entry.EntryType is not (TarEntryType.RegularFile or TarEntryType.V7RegularFile) || entry.DataStream is null)
                {
                    continue;
                }

                using var buffer = new MemoryStream();
                await entry.DataStream.CopyToAsync(buffer, cancellationToken).ConfigureAwait(false);
                files[entry.Name] = buffer.ToArray();
            }
        }
        catch (Exception error) when (error is InvalidDataException or FormatException or EndOfStreamException or IOException)
        {
            throw new InvalidDataException($"not a Mesh snapshot archive (gzip tar): {error.Message}", error);
        }

        foreach (var required in new[] { MetaFile, StateFile, SumsFile })
        {
            if (!files.ContainsKey(required))
            {
                throw new InvalidDataException($"snapshot archive is missing {required}");
            }
        }

        VerifySums(files);
        SnapshotMeta meta;
        try
        {
            meta = JsonSerializer.Deserialize(files[MetaFile], SnapshotJsonContext.Default.SnapshotMeta)
                ?? throw new InvalidDataException("meta.json is empty");
        }
        catch (JsonException error)
        {
            throw new InvalidDataException($"meta.json is not valid: {error.Message}", error);
        }

        StoreState state;
        try
        {
            state = StoreSnapshotCodec.Read(files[StateFile]);
        }
        catch (Exception error) when (error is MessagePack.MessagePackSerializationException or InvalidDataException)
        {
            throw new InvalidDataException($"state.bin does not decode: {error.Message}", error);
        }

        return new SnapshotContents(meta, files[StateFile], state);
    }

    private static void VerifySums(Dictionary<string, byte[]> files)
    {
        var expected = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in Encoding.ASCII.GetString(files[SumsFile]).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = line.Split("  ", 2);
            if (parts.Length != 2)
            {
                throw new InvalidDataException($"SHA256SUMS has a malformed line: \"{line}\"");
            }

            expected[parts[1]] = parts[0];
        }

        foreach (var name in new[] { MetaFile, StateFile })
        {
            if (!expected.TryGetValue(name, out var sum))
            {
                throw new InvalidDataException($"SHA256SUMS has no entry for {name}");
            }

            if (!string.Equals(sum, Convert.ToHexStringLower(SHA256.HashData(files[name])), StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidDataException($"{name} does not match its SHA-256 in SHA256SUMS: the file is corrupt");
            }
        }
    }
}

/// <summary>A verified snapshot: its metadata, the raw state bytes and the decoded store.</summary>
public sealed record SnapshotContents(SnapshotMeta Meta, byte[] StateBytes, StoreState State);
