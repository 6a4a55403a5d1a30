namespace Mesh.Config.ConfigEntries;

/// <summary>
/// Go's <c>json:",omitempty"</c>: the property is left out of the output when it is null, "", 0, false or an empty
/// collection. Properties without it are always written, as Go writes them (empty structs as <c>{}</c>).
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class OmitEmptyAttribute : Attribute;
