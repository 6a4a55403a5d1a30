namespace Mesh.Config.Hcl;

/// <summary>HCL that does not parse; the message starts with Consul's <c>At line:column:</c> prefix.</summary>
public sealed class HclSyntaxException : FormatException
{
    public HclSyntaxException()
    {
    }

    public HclSyntaxException(string message)
        : base(message)
    {
    }

    public HclSyntaxException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public HclSyntaxException(string detail, int line, int column)
        : base($"At {line}:{column}: {detail}")
    {
        Line = line;
        Column = column;
    }

    /// <summary>1-based line of the error.</summary>
    public int Line { get; }

    /// <summary>1-based column of the error.</summary>
    public int Column { get; }
}
