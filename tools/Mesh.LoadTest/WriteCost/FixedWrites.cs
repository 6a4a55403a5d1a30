using Mesh.LoadTest.Targets;

namespace Mesh.LoadTest.WriteCost;

/// <summary>
/// Exactly <c>count</c> registration writes (the <c>cluster</c> load's payload) sent through one member by
/// <c>clients</c> closed-loop clients; returns how many were acknowledged and the first error.
/// </summary>
public static class FixedWrites
{
    public static async Task<(long Acknowledged, string? FirstError)> SendAsync(
        HttpClient http, ClusterTarget cluster, ClusterMember member, int clients, long count, long sequenceBase, CancellationToken cancellationToken)
    {
        long next = -1;
        long acknowledged = 0;
        string? firstError = null;
        async Task ClientAsync(int client)
        {
            while (Interlocked.Increment(ref next) < count)
            {
                using var request = cluster.CreateWrite(member, client, sequenceBase + Interlocked.Read(ref next));
                using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
                if (response.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref acknowledged);
                }
                else
                {
                    Interlocked.CompareExchange(ref firstError, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false)}", null);
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, clients).Select(client => Task.Run(() => ClientAsync(client), cancellationToken))).ConfigureAwait(false);
        return (acknowledged, firstError);
    }
}
