using System.Globalization;
using System.Text;

namespace Mesh.FaultTest.Checking;

/// <summary>One key's history as text, by invocation time, so a linearizability violation can be read after the run.</summary>
public static class HistoryText
{
    public static string Render(IEnumerable<Operation> history)
    {
        var operations = history.OrderBy(o => o.Call).ToList();
        if (operations.Count == 0)
        {
            return string.Empty;
        }

        var origin = operations[0].Call;
        var text = new StringBuilder();
        foreach (var operation in operations)
        {
            var end = operation.IsPending ? "pending" : Milliseconds(operation.Return - origin);
            text.Append(CultureInfo.InvariantCulture, $"  c{operation.Client} {(operation.Kind == OperationKind.Write ? "write" : "read ")} {operation.Value ?? "(absent)"} [{Milliseconds(operation.Call - origin)} .. {end}]").AppendLine();
        }

        return text.ToString();
    }

    private static string Milliseconds(long ticks)
        => (ticks * 1000.0 / System.Diagnostics.Stopwatch.Frequency).ToString("F1", CultureInfo.InvariantCulture) + " ms";
}
