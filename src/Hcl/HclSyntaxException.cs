namespace Mesh.Hcl;

/// <summary>
/// HCL that does not parse; the message starts with Consul's <c>At line:column:</c> prefix. <see cref="Error"/>,
/// <see cref="Detail"/>, <see cref="Opened"/> and <see cref="Found"/> let a reader (ACL rules) word the error its own way.
/// </summary>
public sealed class HclSyntaxException : FormatException
{
    public HclSyntaxException()
    {
    }

    public HclSyntaxException(string message)
        : base(message)
    {
        Detail = message;
    }

    public HclSyntaxException(string message, Exception innerException)
        : base(message, innerException)
    {
        Detail = message;
    }

    public HclSyntaxException(HclSyntaxError error, string detail, HclPosition at, HclPosition? opened = null, string? found = null)
        : base($"At {at.Line}:{at.Column}: {detail}")
    {
        Error = error;
        Detail = detail;
        Line = at.Line;
        Column = at.Column;
        Opened = opened;
        Found = found;
    }

    public HclSyntaxError Error { get; }

    /// <summary>The problem without the position prefix.</summary>
    public string Detail { get; } = string.Empty;

    /// <summary>1-based line of the error.</summary>
    public int Line { get; }

    /// <summary>1-based column of the error.</summary>
    public int Column { get; }

    /// <summary>For an unclosed block or list: where it was opened.</summary>
    public HclPosition? Opened { get; }

    /// <summary>A description of the token or character found where something else was expected, when there is one.</summary>
    public string? Found { get; }
}
