using System.Diagnostics;
using System.Globalization;
using System.Net;

namespace Mesh.LoadTest.Parked;

/// <summary>One blocking query in flight; records when (and with which status and index) it returned.</summary>
public sealed class ParkedQuery
{
    private long _returnedAt;

    private ParkedQuery(int number) => Number = number;

    public int Number { get; }

    public Task Completion { get; private set; } = Task.CompletedTask;

    /// <summary><see cref="Stopwatch"/> timestamp of the full response, or 0 while parked.</summary>
    public long ReturnedAt => Interlocked.Read(ref _returnedAt);

    public bool HasReturned => ReturnedAt != 0;

    public HttpStatusCode? Status { get; private set; }

    /// <summary>X-Consul-Index of the response.</summary>
    public long Index { get; private set; }

    public string? Error { get; private set; }

    public static ParkedQuery Start(HttpClient http, int number, string path, CancellationToken cancellationToken)
    {
        var query = new ParkedQuery(number);
        query.Completion = query.RunAsync(http, path, cancellationToken);
        return query;
    }

    private async Task RunAsync(HttpClient http, string path, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.GetAsync(path, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
            var returned = Stopwatch.GetTimestamp();
            Status = response.StatusCode;
            Index = response.Headers.TryGetValues("X-Consul-Index", out var values)
                && long.TryParse(values.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var index) ? index : 0;
            Interlocked.Exchange(ref _returnedAt, returned);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Cancelled at the end of the phase while still parked: the expected end of an unaffected query.
        }
        catch (HttpRequestException error)
        {
            Error = error.Message;
            Interlocked.Exchange(ref _returnedAt, Stopwatch.GetTimestamp());
        }
    }
}
