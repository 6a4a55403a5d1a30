namespace Mesh.LoadTest.Targets;

/// <summary>Polls a server's HTTP endpoint until it answers as expected, the process dies, or time runs out.</summary>
public static class Readiness
{
    public static async Task WaitAsync(ChildProcess process, Uri probe, Func<string, bool> ready, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow + timeout;
        string last = "no answer yet";
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"server exited during start; log {process.LogPath}:{Environment.NewLine}{process.Tail()}");
            }

            try
            {
                using var response = await http.GetAsync(probe, cancellationToken).ConfigureAwait(false);
                var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                if (response.IsSuccessStatusCode && ready(body))
                {
                    return;
                }

                last = $"{(int)response.StatusCode}: {body}";
            }
            catch (HttpRequestException error)
            {
                last = error.Message;
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                last = "probe timed out";
            }

            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }

        throw new TimeoutException($"server not ready after {timeout.TotalSeconds:F0} s ({probe}: {last}); log {process.LogPath}:{Environment.NewLine}{process.Tail()}");
    }
}
