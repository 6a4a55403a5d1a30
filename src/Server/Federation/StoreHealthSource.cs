using Mesh.Server.Access;

namespace Mesh.Server.Federation;

/// <summary>
/// The local datacenter's answer to a health query: this server's store, parked on the query's watch keys until the
/// index passes the query's, the wait runs out, or a snapshot restore replaces the state. The token is checked here.
/// </summary>
public sealed class StoreHealthSource(ServerRuntime runtime)
{
    public async ValueTask<DatacenterHealth> QueryAsync(DatacenterHealthQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var token = RequestToken.FromSecret(query.Token);
        if (runtime.Access.Enabled && runtime.Access.Authenticate(token) is { } unknown)
        {
            throw new DatacenterQueryException(unknown, permissionDenied: true);
        }

        var decisions = runtime.Access.Enabled ? runtime.Access.DecisionsFor(token) : null;
        var keys = HealthRows.Keys(query);
        var deadline = runtime.Clock.GetUtcNow() + query.Wait;
        var generation = runtime.Fsm.Watches.RestoreGeneration;
        while (true)
        {
            var watches = runtime.Fsm.Watches.Capture(keys);
            var state = runtime.Fsm.Current;
            var index = HealthRows.Index(state, query);
            var remaining = deadline - runtime.Clock.GetUtcNow();
            if (query.MinIndex == 0 || index > query.MinIndex || remaining <= TimeSpan.Zero || generation != runtime.Fsm.Watches.RestoreGeneration)
            {
                return new DatacenterHealth(index, HealthRows.Read(state, query, decisions));
            }

            await watches.WaitAsync(remaining, cancellationToken).ConfigureAwait(false);
        }
    }
}
