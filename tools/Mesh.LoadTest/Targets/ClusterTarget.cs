using System.Diagnostics;

namespace Mesh.LoadTest.Targets;

/// <summary>
/// A loopback cluster of server processes as one load target: client N writes through member N mod size (followers
/// forward to the leader), CPU and RSS are the sum over the members, and the leader can be found, killed and
/// restarted for the election measurement. Disposing kills every member and deletes the cluster's folder.
/// </summary>
public abstract class ClusterTarget : ILoadTarget
{
    private readonly DirectoryInfo _directory;

    protected ClusterTarget(string name, IReadOnlyList<ClusterMember> members, DirectoryInfo directory, ClusterTls? tls = null)
    {
        Tls = tls;
        Name = name;
        Members = members;
        _directory = directory;
        Probe = new ProcessProbe(() => [.. members.Where(m => m.IsRunning).Select(m => m.Process!.Id)]);
    }

    public string Name { get; }

    /// <summary>Set when the members serve HTTPS and verify each other (<c>cluster --tls</c>).</summary>
    public ClusterTls? Tls { get; }

    public void ConfigureHandler(SocketsHttpHandler handler) => Tls?.Configure(handler);

    /// <summary>A short-timeout client for probes, speaking TLS when the cluster does.</summary>
    public HttpClient CreateProbeClient() => Tls?.CreateHttpClient(TimeSpan.FromSeconds(2)) ?? new HttpClient { Timeout = TimeSpan.FromSeconds(2) };

    public IReadOnlyList<ClusterMember> Members { get; }

    public Uri BaseAddress => Members[0].BaseAddress;

    public ProcessProbe Probe { get; }

    public HttpRequestMessage CreateWrite(int client, long sequence) => CreateWrite(Members[client % Members.Count], client, sequence);

    /// <summary>A write sent to <paramref name="member"/> (absolute URI, so one client can reach every member).</summary>
    public abstract HttpRequestMessage CreateWrite(ClusterMember member, int client, long sequence);

    /// <inheritdoc cref="ILoadTarget.AppliedIndexAsync"/>
    public virtual Task<long?> AppliedIndexAsync(CancellationToken cancellationToken) => Task.FromResult<long?>(null);

    /// <summary>The leader as <paramref name="asked"/> sees it, or null (no leader, or the member does not answer).</summary>
    public abstract Task<ClusterMember?> LeaderSeenByAsync(HttpClient http, ClusterMember asked, CancellationToken cancellationToken);

    /// <summary>Waits until every running member is up, all agree on a leader, and a write through each succeeds.</summary>
    public async Task WaitReadyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var http = CreateProbeClient();
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        var last = "no answer yet";
        while (Stopwatch.GetTimestamp() < deadline)
        {
            var dead = Members.FirstOrDefault(m => m.Process is { HasExited: true });
            if (dead is not null)
            {
                throw new InvalidOperationException($"{Name} member {dead.Name} exited; log {dead.Process!.LogPath}:{Environment.NewLine}{dead.Process.Tail()}");
            }

            try
            {
                last = await NotReadyReasonAsync(http, cancellationToken).ConfigureAwait(false) ?? string.Empty;
                if (last.Length == 0)
                {
                    return;
                }
            }
            catch (Exception error) when (error is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException && !cancellationToken.IsCancellationRequested)
            {
                last = error.Message;
            }

            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }

        throw new TimeoutException($"{Name} cluster not ready after {timeout.TotalSeconds:F0} s: {last}; logs in {_directory.FullName}");
    }

    /// <summary>Null when ready, else why not.</summary>
    protected virtual async Task<string?> NotReadyReasonAsync(HttpClient http, CancellationToken cancellationToken)
    {
        ClusterMember? agreed = null;
        foreach (var member in Members.Where(m => m.IsRunning))
        {
            var leader = await LeaderSeenByAsync(http, member, cancellationToken).ConfigureAwait(false);
            if (leader is null || (agreed is not null && leader != agreed))
            {
                return $"{member.Name} sees leader {leader?.Name ?? "none"}";
            }

            agreed = leader;
        }

        foreach (var member in Members.Where(m => m.IsRunning))
        {
            if (!await TryWriteAsync(http, member, cancellationToken).ConfigureAwait(false))
            {
                return $"write through {member.Name} failed";
            }
        }

        return null;
    }

    /// <summary>One write through <paramref name="member"/>; true if acknowledged.</summary>
    public async Task<bool> TryWriteAsync(HttpClient http, ClusterMember member, CancellationToken cancellationToken)
    {
        try
        {
            using var request = CreateWrite(member, 9_999, Random.Shared.Next());
            using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            return response.IsSuccessStatusCode;
        }
        catch (Exception error) when (error is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var member in Members)
        {
            await member.DisposeAsync().ConfigureAwait(false);
        }

        _directory.Delete(recursive: true);
        GC.SuppressFinalize(this);
    }
}
