namespace Mesh.Config.ConfigEntries;

/// <summary>A config entry that cannot be decoded or fails its kind's validation; the message names the field.</summary>
public sealed class InvalidConfigEntryException : Exception
{
    public InvalidConfigEntryException()
        : base("invalid config entry")
    {
    }

    public InvalidConfigEntryException(string message)
        : base(message)
    {
    }

    public InvalidConfigEntryException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
