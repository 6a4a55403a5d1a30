using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Mesh.Config.Filtering;

/// <summary>
/// The right-hand value of a match. go-bexpr coerces the raw text to the type of the field it is compared with; the
/// number and boolean readings are worked out once here so that evaluation only compares.
/// </summary>
internal sealed class FilterValue
{
    private readonly double? _number;
    private readonly bool? _boolean;

    public FilterValue(string raw)
    {
        Raw = raw;
        _number = double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) ? number : null;
        _boolean = ParseGoBool(raw);
    }

    public string Raw { get; }

    /// <summary>The compiled pattern, for <c>matches</c>.</summary>
    public Regex? Pattern { get; init; }

    /// <summary>Equality with a JSON scalar, coercing the raw text to the scalar's type; containers never equal a value.</summary>
    public bool EqualTo(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => element.ValueEquals(Raw),
        JsonValueKind.Number => _number is { } number && element.TryGetDouble(out var actual) && actual == number,
        JsonValueKind.True => _boolean == true,
        JsonValueKind.False => _boolean == false,
        _ => false,
    };

    /// <summary>Go's <c>strconv.ParseBool</c>, which go-bexpr uses to coerce a value compared with a boolean field.</summary>
    private static bool? ParseGoBool(string text) => text switch
    {
        "1" or "t" or "T" or "true" or "TRUE" or "True" => true,
        "0" or "f" or "F" or "false" or "FALSE" or "False" => false,
        _ => null,
    };
}
