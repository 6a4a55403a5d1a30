using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Mesh.FaultTest.Fuzz;

/// <summary>
/// Sends generated cases one at a time to a server. Rules: no 5xx (and always an answer), and a write answered 4xx
/// leaves <c>/v1/internal/mesh/state</c>'s content digest unchanged. The server also changes state by itself (a TTL
/// check expiring), so a rejected write seen next to a change is replayed up to three times, and only reported when
/// the state changed across every replay.
/// </summary>
public static class HttpFuzzer
{
    public static async Task<FuzzResult> RunAsync(Uri server, int seed, int cases, TimeSpan duration, Action<string> log, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = server, Timeout = TimeSpan.FromSeconds(20) };
        var generator = new CaseGenerator(seed);
        try
        {
            generator.UseSnapshot(await http.GetByteArrayAsync("/v1/snapshot", cancellationToken).ConfigureAwait(false));
        }
        catch (HttpRequestException error)
        {
            log($"no snapshot to mutate ({error.Message}); restore cases use random bytes only");
        }

        var clock = Stopwatch.StartNew();
        var byClass = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var byEndpoint = new SortedDictionary<string, IReadOnlyDictionary<string, int>>(StringComparer.Ordinal);
        var findings = new List<FuzzFinding>();
        var rejectedChecked = 0;
        var sent = 0;
        for (; sent < cases && clock.Elapsed < duration; sent++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var fuzzCase = generator.Next();
            var before = fuzzCase.IsWrite ? await ContentDigestAsync(http, cancellationToken).ConfigureAwait(false) : null;
            var (status, response) = await SendAsync(http, fuzzCase, cancellationToken).ConfigureAwait(false);
            var statusClass = status == 0 ? "no answer" : $"{status / 100}xx";
            byClass[statusClass] = byClass.GetValueOrDefault(statusClass) + 1;
            var endpoint = (SortedDictionary<string, int>)(byEndpoint.TryGetValue(fuzzCase.Endpoint, out var e) ? e : byEndpoint[fuzzCase.Endpoint] = new SortedDictionary<string, int>(StringComparer.Ordinal));
            endpoint[statusClass] = endpoint.GetValueOrDefault(statusClass) + 1;

            if (status is 0 or >= 500)
            {
                findings.Add(new FuzzFinding(status == 0 ? "no answer" : "5xx", fuzzCase, status, response));
                log($"{(status == 0 ? "NO ANSWER" : status.ToString(System.Globalization.CultureInfo.InvariantCulture))} {fuzzCase.Method} {Cut(fuzzCase.PathAndQuery, 120)} [{fuzzCase.Mutation}] {fuzzCase.Preview(160)} -> {Cut(response, 200)}");
                if (status == 0 && !await AliveAsync(http, cancellationToken).ConfigureAwait(false))
                {
                    log("the server stopped answering; fuzzing ends here");
                    break;
                }
            }
            else if (fuzzCase.IsWrite && status is >= 400 and < 500 && before is not null)
            {
                rejectedChecked++;
                var after = await ContentDigestAsync(http, cancellationToken).ConfigureAwait(false);
                if (after != before && !await UnchangedOnReplayAsync(http, fuzzCase, cancellationToken).ConfigureAwait(false))
                {
                    findings.Add(new FuzzFinding("state changed by a rejected write", fuzzCase, status, response));
                    log($"STATE CHANGED by rejected {status} {fuzzCase.Method} {Cut(fuzzCase.PathAndQuery, 120)} [{fuzzCase.Mutation}] {fuzzCase.Preview(160)}");
                }
            }

            if ((sent + 1) % 1000 == 0)
            {
                log($"{sent + 1} cases, {clock.Elapsed.TotalSeconds:0}s: {string.Join(", ", byClass.Select(kv => $"{kv.Key} {kv.Value}"))}");
            }
        }

        return new FuzzResult(seed, sent, clock.Elapsed, byClass, byEndpoint, rejectedChecked, findings);
    }

    private static async Task<bool> UnchangedOnReplayAsync(HttpClient http, FuzzCase fuzzCase, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 3; attempt++)
        {
            await Task.Delay(200, cancellationToken).ConfigureAwait(false);
            var before = await ContentDigestAsync(http, cancellationToken).ConfigureAwait(false);
            var (status, _) = await SendAsync(http, fuzzCase, cancellationToken).ConfigureAwait(false);
            var after = await ContentDigestAsync(http, cancellationToken).ConfigureAwait(false);
            if (status is < 400 or >= 500 || before == after)
            {
                return true;
            }
        }

        return false;
    }

    private static async Task<(int Status, string Response)> SendAsync(HttpClient http, FuzzCase fuzzCase, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(new HttpMethod(fuzzCase.Method), fuzzCase.PathAndQuery);
        if (fuzzCase.Body is not null)
        {
            request.Content = new ByteArrayContent(fuzzCase.Body);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(fuzzCase.Endpoint == "snapshot-restore" ? "application/octet-stream" : "application/json");
        }

        try
        {
            using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            return ((int)response.StatusCode, text);
        }
        catch (Exception error) when (error is HttpRequestException or TaskCanceledException or IOException && !cancellationToken.IsCancellationRequested)
        {
            return (0, error.Message);
        }
    }

    private static async Task<string?> ContentDigestAsync(HttpClient http, CancellationToken cancellationToken)
    {
        try
        {
            var text = await http.GetStringAsync("/v1/internal/mesh/state", cancellationToken).ConfigureAwait(false);
            return JsonDocument.Parse(text).RootElement.GetProperty("ContentDigest").GetString();
        }
        catch (Exception error) when (error is HttpRequestException or TaskCanceledException or JsonException && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    private static async Task<bool> AliveAsync(HttpClient http, CancellationToken cancellationToken)
        => await ContentDigestAsync(http, cancellationToken).ConfigureAwait(false) is not null;

    private static string Cut(string text, int max) => text.Length <= max ? text : text[..max] + "...";
}
