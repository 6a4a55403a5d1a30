using System.Globalization;
using System.Text.Json;

namespace Mesh.Config.Filtering;

/// <summary>
/// One match (<c>selector op value</c>), evaluated with go-bexpr's semantics (v0.1.2, the version Consul uses, plus the
/// later <c>matches</c>): an array met before the end of the selector is an implicit "any element" (so
/// <c>Checks.Status == passing</c> holds when some check passes); a missing key or a null answers
/// <see cref="FilterOperatorExtensions.WhenMissing"/>.
/// </summary>
internal sealed class MatchNode(FilterSelector selector, FilterOperator op, FilterValue? value) : FilterNode
{
    public FilterSelector Selector { get; } = selector;

    public FilterOperator Operator { get; } = op;

    public FilterValue? Value { get; } = value;

    public override bool Evaluate(JsonElement item) => Walk(item, 0);

    private bool Walk(JsonElement current, int depth)
    {
        if (depth == Selector.Path.Count)
        {
            return Apply(current);
        }

        var segment = Selector.Path[depth];
        switch (current.ValueKind)
        {
            case JsonValueKind.Object:
                return current.TryGetProperty(segment, out var next) ? Walk(next, depth + 1) : Operator.WhenMissing();

            case JsonValueKind.Array when IsIndex(segment, out var index):
                return index < current.GetArrayLength() ? Walk(current[index], depth + 1) : Operator.WhenMissing();

            case JsonValueKind.Array:
                // The same segment applies to each element: any match is a match, and an empty array matches nothing.
                foreach (var element in current.EnumerateArray())
                {
                    if (Walk(element, depth))
                    {
                        return true;
                    }
                }

                return false;

            case JsonValueKind.Null:
                return Operator.WhenMissing();

            default:
                // A scalar has no fields to select (go-bexpr rejects such a selector for the endpoint's type).
                return false;
        }
    }

    private bool Apply(JsonElement target)
    {
        if (target.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            return Operator.WhenMissing();
        }

        return Operator switch
        {
            FilterOperator.Equal => Value!.EqualTo(target),
            FilterOperator.NotEqual => !Value!.EqualTo(target),
            FilterOperator.IsEmpty => IsEmpty(target),
            FilterOperator.IsNotEmpty => !IsEmpty(target),
            FilterOperator.In => Contains(target),
            FilterOperator.NotIn => !Contains(target),
            FilterOperator.Matches => IsMatch(target),
            FilterOperator.NotMatches => !IsMatch(target),
            _ => false,
        };
    }

    private static bool IsEmpty(JsonElement target) => target.ValueKind switch
    {
        JsonValueKind.String => target.GetString()!.Length == 0,
        JsonValueKind.Array => target.GetArrayLength() == 0,
        JsonValueKind.Object => !target.EnumerateObject().Any(),
        _ => false,
    };

    /// <summary>A map holds the value as a key, a list as an element, a string as a substring.</summary>
    private bool Contains(JsonElement target)
    {
        switch (target.ValueKind)
        {
            case JsonValueKind.Object:
                return target.TryGetProperty(Value!.Raw, out _);
            case JsonValueKind.Array:
                foreach (var element in target.EnumerateArray())
                {
                    if (Value!.EqualTo(element))
                    {
                        return true;
                    }
                }

                return false;
            case JsonValueKind.String:
                return target.GetString()!.Contains(Value!.Raw, StringComparison.Ordinal);
            default:
                return false;
        }
    }

    private bool IsMatch(JsonElement target)
        => target.ValueKind == JsonValueKind.String && Value!.Pattern!.IsMatch(target.GetString()!);

    private static bool IsIndex(string segment, out int index)
    {
        index = 0;
        return segment.Length > 0 && char.IsAsciiDigit(segment[0])
            && int.TryParse(segment, NumberStyles.None, CultureInfo.InvariantCulture, out index);
    }
}
