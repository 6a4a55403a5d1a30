using System.Text.Json;

namespace Mesh.Config.Filtering;

/// <summary>A node of a parsed filter expression. Nodes are immutable, so one tree serves concurrent evaluations.</summary>
internal abstract class FilterNode
{
    public abstract bool Evaluate(JsonElement item);
}

internal sealed class AndNode(FilterNode left, FilterNode right) : FilterNode
{
    public override bool Evaluate(JsonElement item) => left.Evaluate(item) && right.Evaluate(item);
}

internal sealed class OrNode(FilterNode left, FilterNode right) : FilterNode
{
    public override bool Evaluate(JsonElement item) => left.Evaluate(item) || right.Evaluate(item);
}

internal sealed class NotNode(FilterNode operand) : FilterNode
{
    public FilterNode Operand { get; } = operand;

    public override bool Evaluate(JsonElement item) => !Operand.Evaluate(item);
}
