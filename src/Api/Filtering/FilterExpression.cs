using System.Text.Json;

namespace Mesh.Api.Filtering;

/// <summary>
/// A compiled go-bexpr expression (Consul's <c>?filter=</c> and service-resolver subset filters), evaluated against the
/// JSON form of a result item (selectors such as <c>Service.Meta.version</c>, <c>Service.Tags</c>, <c>Node.Meta.env</c>).
/// </summary>
public sealed class FilterExpression
{
    private FilterExpression()
    {
    }

    /// <exception cref="FilterSyntaxException">The expression does not parse (message as Consul's).</exception>
    public static FilterExpression Parse(string expression) => throw new NotImplementedException(expression);

    public bool Matches(JsonElement item) => throw new NotImplementedException(item.ValueKind.ToString());
}
