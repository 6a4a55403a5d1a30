namespace Mesh.Config.Filtering;

/// <summary>
/// A selector path such as <c>Service.Meta.version</c>, <c>Service.Meta["app.kubernetes.io/name"]</c> or the JSON
/// pointer form <c>"/Service/Meta/version"</c>: one segment per field name, map key or array index.
/// </summary>
internal sealed class FilterSelector
{
    public FilterSelector(IReadOnlyList<string> path) => Path = path;

    public IReadOnlyList<string> Path { get; }

    /// <summary>The selector as a bare-word value (go-bexpr joins the path with dots).</summary>
    public override string ToString() => string.Join('.', Path);
}
