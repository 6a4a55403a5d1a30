using System.Globalization;

namespace Mesh.LoadTest.Xds;

/// <summary>The proxycfg fan-out and xDS results as Markdown tables on standard output.</summary>
public static class XdsReport
{
    private const double MiB = 1024 * 1024;

    public static void WriteFanout(IReadOnlyList<FanoutChangeResult> results, TimeSpan coalesce, string load)
    {
        Console.WriteLine($"coalesce delay {Number(coalesce.TotalMilliseconds, "N0")} ms; load at end {load}");
        Console.WriteLine();
        Console.WriteLine("| change | proxies | reached | write ack ms | p50 ms | p99 ms | max ms | CPU ms (to last / to idle) | allocated MiB (to last / to idle) | KiB per proxy | gen0/1/2 GCs | GC pause ms | builds | publishes |");
        Console.WriteLine("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var r in results)
        {
            var quiet = r.UntilQuiet;
            Console.WriteLine(Row(
                Int(r.Change), Int(r.Proxies), Int(r.Reached), Number(r.WriteAckMilliseconds), Number(r.FromSend.P50, "N0"), Number(r.FromSend.P99, "N0"),
                Number(r.FromSend.Max, "N0"), $"{Number(r.UntilAll.Cpu.TotalMilliseconds, "N0")} / {Number(quiet.Cpu.TotalMilliseconds, "N0")}",
                $"{Number(r.UntilAll.Allocated / MiB, "N1")} / {Number(quiet.Allocated / MiB, "N1")}", Number(quiet.Allocated / 1024.0 / r.Proxies, "N1"),
                $"{quiet.Gen0}/{quiet.Gen1}/{quiet.Gen2}", Number(quiet.GcPause.TotalMilliseconds, "N0"), Int(r.Builds), Int(r.Publishes)));
        }
    }

    public static void WriteXds(IReadOnlyList<XdsRunResult> runs, TimeSpan coalesce, TimeSpan changeInterval, bool ingress = false)
    {
        Console.WriteLine($"coalesce delay {Number(coalesce.TotalMilliseconds, "N0")} ms; sustained phase: one endpoint change every {Number(changeInterval.TotalMilliseconds, "N0")} ms");
        if (ingress)
        {
            Console.WriteLine("streams: instances of one ingress gateway; \"EDS update\" columns: PUT /v1/config of its entry gaining service api, until a stream serves api (route, cluster, endpoints)");
        }
        Console.WriteLine();
        Console.WriteLine("| streams | connections | load before → after | register s | all streams ready s | server CPU s (initial) | RSS before streams MiB | RSS with streams MiB | KiB per stream | failed |");
        Console.WriteLine("| ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var r in runs)
        {
            Console.WriteLine(Row(
                Int(r.Streams), Int(r.Connections), $"{r.LoadBefore} → {r.LoadAfter}", Number(r.RegisterSeconds, "N1"), Number(r.InitialSeconds), Number(r.InitialServerCpuSeconds, "N1"),
                Number(r.ResidentBeforeStreams / MiB, "N0"), Number(r.ResidentWithStreams / MiB, "N0"), Number(r.BytesPerStream / 1024, "N1"),
                r.Failed == 0 ? "0" : $"{Int(r.Failed)} ({r.FirstError})"));
        }

        Console.WriteLine();
        Console.WriteLine("| streams | write ack ms | updated | EDS update p50 ms | p99 ms | max ms | server CPU s | sustained s | changes | EDS pushes | pushes/s | server CPU s (cores) | client CPU s | converged p50 / p99 / max ms |");
        Console.WriteLine("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var r in runs)
        {
            Console.WriteLine(Row(
                Int(r.Streams), Number(r.WriteAckMilliseconds), Int(r.Updated), Number(r.UpdateFromSend.P50, "N0"), Number(r.UpdateFromSend.P99, "N0"), Number(r.UpdateFromSend.Max, "N0"),
                Number(r.UpdateServerCpuSeconds), Number(r.SustainedSeconds, "N1"), Int(r.Changes), Int(r.SustainedPushes), Number(r.PushesPerSecond, "N0"),
                $"{Number(r.SustainedServerCpuSeconds, "N1")} ({Number(r.SustainedServerCpuSeconds / r.SustainedSeconds)})", Number(r.SustainedClientCpuSeconds, "N1"),
                $"{Number(r.Convergence.P50, "N0")} / {Number(r.Convergence.P99, "N0")} / {Number(r.Convergence.Max, "N0")}"));
        }
    }

    internal static string Row(params string[] cells) => "| " + string.Join(" | ", cells) + " |";

    internal static string Int(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    internal static string Number(double value, string format = "N2") => value.ToString(format, CultureInfo.InvariantCulture);
}
