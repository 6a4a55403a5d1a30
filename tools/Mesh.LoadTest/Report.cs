using System.Globalization;
using Mesh.LoadTest.Cluster;
using Mesh.LoadTest.Load;
using Mesh.LoadTest.Snapshot;
using Mesh.LoadTest.Parked;

namespace Mesh.LoadTest;

/// <summary>Results as Markdown tables on standard output (progress goes to standard error).</summary>
public static class Report
{
    private const double MiB = 1024 * 1024;

    public static void WriteRuns(IReadOnlyList<WriteRunResult> runs)
    {
        Console.WriteLine("| round | target | clients | writes/s | mean ms | p50 ms | p99 ms | max ms | errors | server CPU µs/write | server RSS MiB | log entries/write |");
        Console.WriteLine("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var run in runs.OrderBy(r => r.Concurrency).ThenBy(r => r.Target, StringComparer.Ordinal).ThenBy(r => r.Round))
        {
            Console.WriteLine(Row(
                Int(run.Round), run.Target, Int(run.Concurrency), Number(run.WritesPerSecond, "N0"), Number(run.Latency.Mean), Number(run.Latency.P50), Number(run.Latency.P99),
                Number(run.Latency.Max), Int(run.Errors), Number(run.ServerCpuMicrosecondsPerWrite, "N0"), Number(run.ServerResidentBytes / MiB, "N0"),
                run.LogEntriesPerWrite is { } entries ? Number(entries, "N3") : "-"));
        }
    }

    /// <summary>
    /// One row per concurrency: <paramref name="subject"/>'s numbers divided by <paramref name="peer"/>'s from the same
    /// round, as the median over the rounds with the lowest and highest round in brackets.
    /// </summary>
    public static void WriteRatios(IReadOnlyList<WriteRunResult> runs, string subject, string peer)
    {
        Console.WriteLine($"| clients | rounds | throughput {subject}/{peer} | p50 {subject}/{peer} | p99 {subject}/{peer} | CPU per write {subject}/{peer} |");
        Console.WriteLine("| ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var level in runs.Select(r => r.Concurrency).Distinct().Order())
        {
            var pairs = runs.Where(r => r.Concurrency == level && r.Target == subject)
                .Join(runs.Where(r => r.Concurrency == level && r.Target == peer), r => r.Round, r => r.Round, (mine, theirs) => (Mine: mine, Theirs: theirs))
                .ToList();
            if (pairs.Count == 0)
            {
                continue;
            }

            Console.WriteLine(Row(
                Int(level),
                Int(pairs.Count),
                Ratios(pairs.Select(p => Divide(p.Mine.WritesPerSecond, p.Theirs.WritesPerSecond))),
                Ratios(pairs.Select(p => Divide(p.Mine.Latency.P50, p.Theirs.Latency.P50))),
                Ratios(pairs.Select(p => Divide(p.Mine.Latency.P99, p.Theirs.Latency.P99))),
                Ratios(pairs.Select(p => Divide(p.Mine.ServerCpuMicrosecondsPerWrite, p.Theirs.ServerCpuMicrosecondsPerWrite)))));
        }
    }

    public static void WriteParked(IReadOnlyList<ParkedPhaseResult> phases)
    {
        Console.WriteLine("| phase | queries | services | parked in s | server RSS before MiB | RSS parked MiB | KiB per parked query | RSS after wake MiB | returned early |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var phase in phases)
        {
            Console.WriteLine(Row(
                phase.Name, Int(phase.Queries), Int(phase.Services), Number(phase.ParkTime.TotalSeconds, "N1"), Number(phase.ResidentBefore / MiB, "N1"),
                Number(phase.ResidentParked / MiB, "N1"), Number(phase.BytesPerParkedQuery / 1024, "N1"), Number(phase.ResidentAfterWake / MiB, "N1"), Int(phase.ReturnedEarly)));
        }

        Console.WriteLine();
        Console.WriteLine("| phase | write ack ms | affected | woken | wake p50 ms | wake p99 ms | wake max ms | from send p50 / p99 ms | unaffected returned | failed |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var phase in phases)
        {
            Console.WriteLine(Row(
                phase.Name, Number(phase.WriteAckMilliseconds), Int(phase.Affected), Int(phase.AffectedWoken), Number(phase.WakeFromAck.P50),
                Number(phase.WakeFromAck.P99), Number(phase.WakeFromAck.Max), $"{Number(phase.WakeFromSend.P50)} / {Number(phase.WakeFromSend.P99)}",
                Int(phase.UnaffectedReturned), Int(phase.Failed)));
        }
    }

    /// <summary>Each leader kill, then the median per target and the <paramref name="subject"/>/<paramref name="peer"/> ratio of medians.</summary>
    public static void WriteElections(IReadOnlyList<ElectionResult> results, string subject, string peer)
    {
        Console.WriteLine("| target | attempt | killed | new leader | new leader seen ms | write acknowledged ms |");
        Console.WriteLine("| --- | ---: | --- | --- | ---: | ---: |");
        foreach (var result in results)
        {
            Console.WriteLine(Row(result.Target, Int(result.Attempt), result.KilledLeader, result.NewLeader, Number(result.NewLeaderSeenMilliseconds, "N0"), Number(result.WriteAcknowledgedMilliseconds, "N0")));
        }

        Console.WriteLine();
        Console.WriteLine("| target | attempts | median new leader seen ms | median write acknowledged ms | range ms |");
        Console.WriteLine("| --- | ---: | ---: | ---: | --- |");
        foreach (var group in results.GroupBy(r => r.Target))
        {
            var written = group.Select(r => r.WriteAcknowledgedMilliseconds).ToArray();
            Console.WriteLine(Row(
                group.Key, Int(written.Length), Number(Median(group.Select(r => r.NewLeaderSeenMilliseconds)), "N0"), Number(Median(written), "N0"),
                $"{Number(written.Min(), "N0")}–{Number(written.Max(), "N0")}"));
        }

        var mine = results.Where(r => r.Target == subject).Select(r => r.WriteAcknowledgedMilliseconds).ToArray();
        var theirs = results.Where(r => r.Target == peer).Select(r => r.WriteAcknowledgedMilliseconds).ToArray();
        if (mine.Length > 0 && theirs.Length > 0)
        {
            Console.WriteLine();
            Console.WriteLine($"election (kill to acknowledged write) {subject}/{peer}, ratio of medians: {Number(Median(mine) / Median(theirs))}");
        }
    }

    public static void WriteSnapshots(IReadOnlyList<SnapshotResult> results)
    {
        Console.WriteLine("| operation | attempt | services | seconds | archive MiB | RSS before MiB | peak RSS during MiB | result |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
        foreach (var result in results)
        {
            Console.WriteLine(Row(
                result.Operation, Int(result.Attempt), Int(result.Services), Number(result.Elapsed.TotalSeconds), Number(result.ArchiveBytes / MiB, "N1"),
                Number(result.ResidentBefore / MiB, "N0"), Number(result.PeakResident / MiB, "N0"), result.Check));
        }
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static string Row(params string[] cells) => "| " + string.Join(" | ", cells) + " |";

    private static string Int(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Number(double value, string format = "N2") => value.ToString(format, CultureInfo.InvariantCulture);

    private static double Divide(double subject, double peer) => peer == 0 ? double.NaN : subject / peer;

    /// <summary>"median [min–max]" of per-round ratios.</summary>
    private static string Ratios(IEnumerable<double> ratios)
    {
        var sorted = ratios.Where(r => !double.IsNaN(r)).Order().ToArray();
        if (sorted.Length == 0)
        {
            return "n/a";
        }

        var median = sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
        return sorted.Length == 1 ? Number(median) : $"{Number(median)} [{Number(sorted[0])}–{Number(sorted[^1])}]";
    }
}
