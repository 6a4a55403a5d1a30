using System.Globalization;
using System.Text;

namespace Mesh.FaultTest.Fuzz;

/// <summary>The fuzz run as Markdown tables: status classes overall and per endpoint, then the findings.</summary>
public static class FuzzSummary
{
    public static string Render(FuzzResult result)
    {
        string[] classes = ["2xx", "3xx", "4xx", "5xx", "no answer"];
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"seed {result.Seed}: {result.Cases} cases in {result.Elapsed.TotalSeconds:0} s; {result.RejectedWritesChecked} rejected writes checked for unchanged state");
        text.AppendLine();
        text.AppendLine("| endpoint | " + string.Join(" | ", classes) + " |");
        text.AppendLine("| --- |" + string.Concat(classes.Select(_ => " ---: |")));
        foreach (var (endpoint, counts) in result.ByEndpoint)
        {
            text.AppendLine($"| {endpoint} | " + string.Join(" | ", classes.Select(c => counts.GetValueOrDefault(c).ToString(CultureInfo.InvariantCulture))) + " |");
        }

        text.AppendLine("| **all** | " + string.Join(" | ", classes.Select(c => result.ByClass.GetValueOrDefault(c).ToString(CultureInfo.InvariantCulture))) + " |");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"5xx: {result.ServerErrors}; rejected writes that changed state: {result.StateChangedOnReject}; no answer: {result.Findings.Count(f => f.Rule == "no answer")}");
        foreach (var group in result.Findings.GroupBy(f => (f.Rule, f.Case.Endpoint, First(f.Response))).Take(30))
        {
            var sample = group.First();
            text.AppendLine(CultureInfo.InvariantCulture, $"- {group.Count()} x {group.Key.Rule} on {group.Key.Endpoint}: {sample.Case.Method} {Cut(sample.Case.PathAndQuery, 100)} [{sample.Case.Mutation}] body {Cut(sample.Case.Preview(200), 200)} -> {Cut(sample.Response, 160)}");
        }

        text.AppendLine();
        text.AppendLine(result.Passed ? "PASSED" : "FAILED");
        return text.ToString();
    }

    private static string First(string response) => response.Split('\n')[0].Length > 80 ? response.Split('\n')[0][..80] : response.Split('\n')[0];

    private static string Cut(string text, int max) => (text.Length <= max ? text : text[..max] + "...").ReplaceLineEndings(" ");
}
