namespace Mesh.Hcl;

/// <summary>How lenient <see cref="HclParser"/> is beyond HCL1's own grammar.</summary>
public sealed record HclParseOptions
{
    /// <summary>HCL1 as Consul's config files use it.</summary>
    public static HclParseOptions Hcl { get; } = new();

    /// <summary>
    /// HCL or its JSON form in one document, as ACL rules accept: a document may be a single JSON object
    /// (<c>{"service": {"web": {"policy": "read"}}}</c>) and ':' may stand for '='.
    /// </summary>
    public static HclParseOptions HclOrJson { get; } = new() { AcceptJson = true };

    public bool AcceptJson { get; init; }
}
