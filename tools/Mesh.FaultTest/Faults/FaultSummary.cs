using System.Globalization;
using System.Text;

namespace Mesh.FaultTest.Faults;

/// <summary>The run's figures as a Markdown table (pasted as is into docs/reliability.md).</summary>
public static class FaultSummary
{
    public static string Render(FaultRunResult result)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"seed {result.Seed}, network {result.Network}, {result.Elapsed.TotalMinutes:0.0} min");
        text.AppendLine();
        text.AppendLine("| fault | rounds | failed rounds | digest mismatches | lost writes |");
        text.AppendLine("| --- | ---: | ---: | ---: | ---: |");
        foreach (var (name, tally) in result.Faults)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {tally.Rounds} | {tally.Failures} | {tally.DigestMismatches} | {tally.LostWrites} |");
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"| **total** | {result.Faults.Values.Sum(t => t.Rounds)} | {result.Faults.Values.Sum(t => t.Failures)} | {result.DigestMismatches} | {result.LostWrites} |");
        text.AppendLine();
        text.AppendLine("| figure | value |");
        text.AppendLine("| --- | ---: |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| acknowledged writes | {result.AcknowledgedWrites} |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| writes with unknown outcome (timeout, 5xx, cut connection) | {result.AmbiguousWrites} |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| `?consistent` reads checked | {result.ConsistentReads} |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| lost acknowledged writes | {result.LostWrites} |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| keys checked for linearizability | {result.Linearizability.Count} |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| linearizability violations | {result.Violations} |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| keys left unchecked (search bound) | {result.UncheckedKeys} |");
        text.AppendLine(CultureInfo.InvariantCulture, $"| 500/502/504 answers to the clients | {result.ClientServerErrors} |");
        foreach (var (what, count) in result.Observations)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {what} | {count} |");
        }

        text.AppendLine();
        text.AppendLine("Answers the clients got during the run:");
        text.AppendLine();
        text.AppendLine("| operation and status | count |");
        text.AppendLine("| --- | ---: |");
        foreach (var (status, count) in result.ClientStatuses)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {status} | {count} |");
        }

        if (result.Failures.Count > 0)
        {
            text.AppendLine();
            text.AppendLine("Failures:");
            foreach (var failure in result.Failures)
            {
                text.AppendLine("- " + failure.Split('\n')[0]);
            }
        }

        text.AppendLine();
        text.AppendLine(result.Passed ? "PASSED" : "FAILED");
        return text.ToString();
    }
}
