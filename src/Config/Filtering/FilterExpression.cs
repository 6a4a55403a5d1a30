using System.Text.Json;

namespace Mesh.Config.Filtering;

/// <summary>
/// A compiled go-bexpr expression (Consul's <c>?filter=</c> and service-resolver subset filters), evaluated against the
/// JSON form of a result item (selectors such as <c>Service.Meta.version</c>, <c>Service.Tags</c>, <c>Node.Meta.env</c>).
/// Selectors name the item's JSON fields, which are Consul's struct field names. Consul rejects a selector its type
/// has no field for; here such a selector finds nothing, so it answers as a missing map key does (==, in, matches and
/// is not empty are false; their negations true). Immutable and safe to share across threads.
/// </summary>
public sealed class FilterExpression
{
    private readonly FilterNode _root;

    private FilterExpression(string text, FilterNode root)
    {
        Text = text;
        _root = root;
    }

    /// <summary>The expression as it was given.</summary>
    public string Text { get; }

    /// <exception cref="FilterSyntaxException">The expression does not parse (message as Consul's).</exception>
    public static FilterExpression Parse(string expression)
    {
        ArgumentNullException.ThrowIfNull(expression);
        return new FilterExpression(expression, FilterParser.Parse(expression));
    }

    public bool Matches(JsonElement item) => _root.Evaluate(item);

    public override string ToString() => Text;
}
