namespace Mesh.FaultTest.Fuzz;

/// <summary>One generated request: which endpoint template it came from and how it was mutated.</summary>
public sealed record FuzzCase(string Endpoint, string Method, string PathAndQuery, byte[]? Body, string Mutation, bool IsWrite)
{
    /// <summary>The body as printable text (bad bytes as \xNN), cut short, for reports.</summary>
    public string Preview(int max = 300)
    {
        if (Body is null)
        {
            return string.Empty;
        }

        var text = new System.Text.StringBuilder();
        foreach (var b in Body.Take(max))
        {
            text.Append(b is >= 0x20 and < 0x7f ? ((char)b).ToString() : $"\\x{b:x2}");
        }

        return Body.Length > max ? text + $"... ({Body.Length} bytes)" : text.ToString();
    }
}
