namespace Mesh.Acl.Rules;

/// <summary>A rules document that cannot be parsed; the message names the line and column (1-based) and the problem.</summary>
public sealed class RulesSyntaxException : Exception
{
    public RulesSyntaxException()
    {
    }

    public RulesSyntaxException(string message)
        : base(message)
    {
    }

    public RulesSyntaxException(string message, Exception inner)
        : base(message, inner)
    {
    }

    public RulesSyntaxException(string problem, int line, int column)
        : base($"Failed to parse ACL rules: line {line}, column {column}: {problem}")
    {
        Problem = problem;
        Line = line;
        Column = column;
    }

    /// <summary>The problem without the position prefix.</summary>
    public string Problem { get; } = string.Empty;

    public int Line { get; }

    public int Column { get; }
}
