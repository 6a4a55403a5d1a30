namespace Mesh.Config.Intentions;

/// <summary>
/// Consul's intention precedence (<c>computeIntentionPrecedence</c>): 9 for an exact source and destination down to
/// 1 for wildcards everywhere; the destination weighs more than the source. Higher precedence is evaluated first.
/// </summary>
public static class IntentionPrecedence
{
    public const string Wildcard = "*";
    public const string DefaultNamespace = "default";

    public static int Compute(string destinationNamespace, string destinationName, string sourceNamespace, string sourceName)
    {
        var max = CountExact(destinationNamespace, destinationName) switch
        {
            2 => 9,
            1 => 6,
            _ => 3,
        };
        return max - (2 - CountExact(sourceNamespace, sourceName));
    }

    /// <summary>Both names in the default namespace (the only one this server has).</summary>
    public static int Compute(string destinationName, string sourceName)
        => Compute(DefaultNamespace, destinationName, DefaultNamespace, sourceName);

    /// <summary>An exact name cannot follow a wildcard namespace, so a wildcard namespace counts as no exact part.</summary>
    private static int CountExact(string ns, string name) => ns == Wildcard ? 0 : name == Wildcard ? 1 : 2;
}
