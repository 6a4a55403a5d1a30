using System.Diagnostics;
using System.Globalization;
using System.Text;
using Mesh.LoadTest.Load;
using Mesh.LoadTest.Targets;

namespace Mesh.LoadTest.Parked;

/// <summary>
/// One phase against a fresh Mesh server: register <c>services</c> services, park <c>queries</c> blocking queries on
/// <c>/v1/health/service/svc-(i % services)</c> at each service's current index, measure the server's memory, change
/// svc-0 once, and measure how long each affected query takes to answer and that no other query answers.
/// </summary>
public sealed class ParkedPhase(ParkedSettings settings)
{
    private const string ChangedService = "svc-0";

    public async Task<ParkedPhaseResult> RunAsync(string name, int services, int queries, CancellationToken cancellationToken)
    {
        await using var target = await MeshTarget.StartAsync(settings.MeshBinary, cancellationToken).ConfigureAwait(false);
        using var admin = new LoadHttpClient(target.BaseAddress, 4, TimeSpan.FromSeconds(30));
        var indexes = new long[services];
        for (var service = 0; service < services; service++)
        {
            await RegisterAsync(admin.Http, service, port: 9000, cancellationToken).ConfigureAwait(false);
        }

        for (var service = 0; service < services; service++)
        {
            indexes[service] = await CurrentIndexAsync(admin.Http, $"svc-{service}", cancellationToken).ConfigureAwait(false);
        }

        await Task.Delay(settings.Settle, cancellationToken).ConfigureAwait(false);
        var residentBefore = target.Probe.ResidentBytes();

        using var parking = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var client = new LoadHttpClient(target.BaseAddress, int.MaxValue, Timeout.InfiniteTimeSpan);
        var parkStarted = Stopwatch.GetTimestamp();
        var parked = await ParkAsync(client, services, queries, indexes, parking.Token).ConfigureAwait(false);
        var parkTime = Stopwatch.GetElapsedTime(parkStarted);
        await Task.Delay(settings.Settle, cancellationToken).ConfigureAwait(false);
        var returnedEarly = parked.Count(q => q.HasReturned);
        var residentParked = target.Probe.ResidentBytes();

        // The one write: svc-0 gets a new port. Only the queries on svc-0 depend on it.
        var sent = Stopwatch.GetTimestamp();
        await RegisterAsync(admin.Http, 0, port: 9001, cancellationToken).ConfigureAwait(false);
        var acknowledged = Stopwatch.GetTimestamp();

        var affected = parked.Where(q => q.Number % services == 0).ToArray();
        var unaffected = parked.Where(q => q.Number % services != 0).ToArray();
        try
        {
            await Task.WhenAll(affected.Select(q => q.Completion)).WaitAsync(settings.WakeTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Reported below as affected queries that did not wake.
        }

        await Task.Delay(settings.Grace, cancellationToken).ConfigureAwait(false);
        var residentAfterWake = target.Probe.ResidentBytes();
        var woken = affected.Where(q => q.HasReturned && q.Status == System.Net.HttpStatusCode.OK && q.Index > indexes[0]).ToArray();
        var result = new ParkedPhaseResult
        {
            Name = name,
            Queries = queries,
            Services = services,
            Affected = affected.Length,
            ParkTime = parkTime,
            ResidentBefore = residentBefore,
            ResidentParked = residentParked,
            ResidentAfterWake = residentAfterWake,
            ReturnedEarly = returnedEarly,
            WriteAckMilliseconds = Stopwatch.GetElapsedTime(sent, acknowledged).TotalMilliseconds,
            AffectedWoken = woken.Length,
            UnaffectedReturned = unaffected.Count(q => q.HasReturned),
            Failed = parked.Count(q => q.Error is not null),
            FirstError = parked.Select(q => q.Error).FirstOrDefault(e => e is not null),
            WakeFromAck = LatencySummary.FromTicks(woken.Select(q => q.ReturnedAt - acknowledged)),
            WakeFromSend = LatencySummary.FromTicks(woken.Select(q => q.ReturnedAt - sent)),
        };

        // End the phase: abandon the rest (closing their connections) before the server stops.
        await parking.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(parked.Select(q => q.Completion)).WaitAsync(TimeSpan.FromSeconds(60), cancellationToken).ConfigureAwait(false);
        return result;
    }

    /// <summary>Starts the queries in waves, each wave waiting until its connections are open, so the listen backlog never overflows.</summary>
    private async Task<ParkedQuery[]> ParkAsync(LoadHttpClient client, int services, int queries, long[] indexes, CancellationToken cancellationToken)
    {
        var parked = new ParkedQuery[queries];
        var wait = settings.QueryWait.TotalMinutes.ToString(CultureInfo.InvariantCulture) + "m";
        for (var first = 0; first < queries; first += settings.Wave)
        {
            var last = Math.Min(queries, first + settings.Wave);
            for (var number = first; number < last; number++)
            {
                var service = number % services;
                parked[number] = ParkedQuery.Start(client.Http, number, $"/v1/health/service/svc-{service}?index={indexes[service]}&wait={wait}", cancellationToken);
            }

            var deadline = Stopwatch.GetTimestamp() + (long)(settings.WaveTimeout.TotalSeconds * Stopwatch.Frequency);
            while (client.Connections < last && Stopwatch.GetTimestamp() < deadline)
            {
                await Task.Delay(10, cancellationToken).ConfigureAwait(false);
            }

            if (client.Connections < last)
            {
                throw new TimeoutException($"only {client.Connections} of {last} connections opened within {settings.WaveTimeout.TotalSeconds:F0} s");
            }
        }

        return parked;
    }

    private static async Task RegisterAsync(HttpClient http, int service, int port, CancellationToken cancellationToken)
    {
        var body = $$$"""{"Node":"park-node","Address":"127.0.0.1","Service":{"ID":"svc-{{{service}}}","Service":"svc-{{{service}}}","Port":{{{port}}}}}""";
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await http.PutAsync("/v1/catalog/register", content, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
    }

    private static async Task<long> CurrentIndexAsync(HttpClient http, string service, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync($"/v1/health/service/{service}", cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        return long.Parse(response.Headers.GetValues("X-Consul-Index").First(), CultureInfo.InvariantCulture);
    }
}
