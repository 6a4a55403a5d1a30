using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Mesh.Api.Http;
using Mesh.Config.Filtering;
using Microsoft.AspNetCore.Http;

namespace Mesh.Api.Filtering;

/// <summary>
/// <c>?filter=</c> on a read: parsed once per request (a bad expression is a 400 before anything is read), then applied
/// to each item of a result. A result is serialized once to a <see cref="JsonDocument"/> and its elements evaluated in
/// place; the kept items are the original objects, so the response is written exactly as without a filter.
/// </summary>
public static class RequestFilter
{
    /// <summary>The request's filter, or null when there is none (an empty <c>?filter=</c> is none, as in Consul).</summary>
    public static FilterExpression? Parse(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var text = request.Query["filter"].ToString();
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        try
        {
            return FilterExpression.Parse(text);
        }
        catch (FilterSyntaxException error)
        {
            throw ApiException.BadRequest(error.Message);
        }
    }

    /// <summary>
    /// The items the filter keeps, in order. <paramref name="listInfo"/> is the type info of any list type whose JSON is
    /// an array of the items in the same order (usually the endpoint's own response type).
    /// </summary>
    public static IReadOnlyList<T> Where<T>(this FilterExpression? filter, IReadOnlyList<T> items, JsonTypeInfo listInfo)
    {
        ArgumentNullException.ThrowIfNull(items);
        return filter is null || items.Count == 0 ? items : Kept(filter, items, items, listInfo);
    }

    /// <summary>
    /// The items whose view the filter keeps, in order: for results whose items are filtered in another shape than
    /// they are returned in (<c>/v1/catalog/services</c> filters instances as <c>ServiceNode</c> rows).
    /// </summary>
    public static IReadOnlyList<T> Where<T, TView>(this FilterExpression? filter, IReadOnlyList<T> items, Func<T, TView> view, JsonTypeInfo<IReadOnlyList<TView>> viewListInfo)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(view);
        return filter is null || items.Count == 0 ? items : Kept(filter, items, (IReadOnlyList<TView>)[.. items.Select(view)], viewListInfo);
    }

    private static List<T> Kept<T>(FilterExpression filter, IReadOnlyList<T> items, object views, JsonTypeInfo listInfo)
    {
        using var document = JsonSerializer.SerializeToDocument(views, listInfo);
        var kept = new List<T>();
        var index = 0;
        foreach (var element in document.RootElement.EnumerateArray())
        {
            if (filter.Matches(element))
            {
                kept.Add(items[index]);
            }

            index++;
        }

        return kept;
    }

    /// <summary>The entries of a map whose values the filter keeps (Consul filters the values of map results).</summary>
    public static IReadOnlyDictionary<string, T> Where<T>(this FilterExpression? filter, IReadOnlyDictionary<string, T> items, JsonTypeInfo<IReadOnlyDictionary<string, T>> mapInfo)
    {
        ArgumentNullException.ThrowIfNull(items);
        if (filter is null || items.Count == 0)
        {
            return items;
        }

        using var document = JsonSerializer.SerializeToDocument(items, mapInfo);
        var kept = new Dictionary<string, T>(StringComparer.Ordinal);
        foreach (var property in document.RootElement.EnumerateObject())
        {
            if (filter.Matches(property.Value) && items.TryGetValue(property.Name, out var item))
            {
                kept[property.Name] = item;
            }
        }

        return kept;
    }
}
