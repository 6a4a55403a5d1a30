namespace Mesh.Config.Filtering;

/// <summary>The match operators of go-bexpr; <c>contains</c> is <c>in</c> with its operands swapped.</summary>
internal enum FilterOperator
{
    Equal,
    NotEqual,
    IsEmpty,
    IsNotEmpty,
    In,
    NotIn,
    Matches,
    NotMatches,
}

internal static class FilterOperatorExtensions
{
    /// <summary>
    /// The answer when the selector runs into a missing map key or a null: go-bexpr says nothing can equal, contain or
    /// match what is not there, and what is not there is empty.
    /// </summary>
    public static bool WhenMissing(this FilterOperator op)
        => op is FilterOperator.NotEqual or FilterOperator.IsEmpty or FilterOperator.NotIn or FilterOperator.NotMatches;
}
