using System.Text.Json;
using System.Text.Json.Nodes;
using Mesh.Hcl;

namespace Mesh.Agent.Cli;

/// <summary>
/// The text of a CLI input file (<c>mesh config write</c>, <c>mesh services register</c>) in either of Consul's
/// languages: HCL for a <c>.hcl</c> file, JSON for a <c>.json</c> file, otherwise (stdin, other names) JSON when
/// the text starts with '{' and HCL when it does not. HCL is read into the JSON tree the same file would have as JSON.
/// </summary>
internal static class JsonOrHclFile
{
    public static JsonNode? Parse(string path, string text, HclListKeys listKeys)
    {
        var extension = path == "-" ? string.Empty : Path.GetExtension(path).ToLowerInvariant();
        var hcl = extension switch
        {
            ".hcl" => true,
            ".json" => false,
            _ => !HclDocument.LooksLikeJson(text),
        };
        try
        {
            return hcl ? HclDocument.Parse(text, listKeys) : JsonNode.Parse(text);
        }
        catch (HclSyntaxException error)
        {
            throw new CliException($"Error parsing {path}: {error.Message}");
        }
        catch (JsonException error)
        {
            throw new CliException($"Error parsing {path}: {error.Message}");
        }
    }
}
