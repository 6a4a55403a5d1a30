namespace Mesh.Agent.Cli.Tls;

/// <summary>
/// Writes the PEM files of <c>mesh tls</c>: never over an existing file (Consul refuses too), certificates 0644 and
/// private keys 0600 (Consul's <c>file.WriteAtomicWithPerms</c>). <see cref="FileMode.CreateNew"/> makes the
/// "does not exist" check and the creation one step, so a concurrent run cannot be overwritten either.
/// </summary>
public static class PemFile
{
    public const UnixFileMode CertificateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    public const UnixFileMode PrivateKeyMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public static async Task WriteAsync(string path, string pem, UnixFileMode mode, CancellationToken cancellationToken)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = mode;
        }

        try
        {
            await using var file = new FileStream(path, options);
            await using var writer = new StreamWriter(file);
            await writer.WriteAsync(pem.AsMemory(), cancellationToken).ConfigureAwait(false);
        }
        catch (IOException) when (File.Exists(path))
        {
            throw new CliException($"{path} already exists.");
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"Failed to write {path}: {error.Message}");
        }

        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, mode); // the create mode passes through the umask; these modes are the contract
        }
    }

    public static string ReadText(string path, string what)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new CliException($"{what} {path} could not be read: {error.Message}");
        }
    }
}
