namespace Mesh.Config.Filtering;

/// <summary>A filter expression that does not parse or names an unknown selector.</summary>
public sealed class FilterSyntaxException : Exception
{
    public FilterSyntaxException(string message)
        : base(message)
    {
    }

    public FilterSyntaxException()
    {
    }

    public FilterSyntaxException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
