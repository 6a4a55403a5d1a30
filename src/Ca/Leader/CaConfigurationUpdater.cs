using System.Text.Json;
using Mesh.Ca.Config;
using Mesh.Ca.Roots;
using Mesh.Fsm.Commands;
using Mesh.Fsm.Model;
using Mesh.Fsm.State;

namespace Mesh.Ca.Leader;

/// <summary>
/// <c>PUT /v1/connect/ca/configuration</c>: validates the new configuration, computes the next CA state (rotating the
/// root if it must change) and writes it as a compare-and-set on the CA's ModifyIndex. Any server may prepare it: if
/// the CA changed meanwhile (another update, pruning) the write is refused and prepared again from the new state.
/// </summary>
public sealed class CaConfigurationUpdater(ICaHost host)
{
    private const int Attempts = 8;

    public async Task UpdateAsync(string? provider, JsonElement config, bool forceWithoutCrossSigning, CancellationToken cancellationToken)
    {
        var parsed = CaConfigParser.Parse(provider, config);
        for (var attempt = 0; attempt < Attempts; attempt++)
        {
            var current = await WaitForCaAsync(cancellationToken).ConfigureAwait(false);
            var next = CaStatePlanner.Reconfigure(current, parsed, forceWithoutCrossSigning, host.Clock.GetUtcNow());
            var result = await host.SubmitAsync(new CaSetStateCommand { State = next, ExpectedModifyIndex = current.ModifyIndex }, cancellationToken).ConfigureAwait(false);
            await host.WaitForAppliedAsync(result.Index, cancellationToken).ConfigureAwait(false);
            if (result.Succeeded)
            {
                return;
            }

            if (result.ErrorKind != ApplyErrorKind.CasConflict)
            {
                throw new CaConfigException(result.Error ?? "the CA state was refused");
            }
        }

        throw new CaConfigException($"the CA kept changing while the update was prepared ({Attempts} attempts); retry");
    }

    private async Task<CaState> WaitForCaAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        while (true)
        {
            var watch = host.Fsm.Watches.Capture([WatchKeys.CaRoots]);
            if (host.Fsm.Current.Ca is { } ca)
            {
                return ca;
            }

            try
            {
                await watch.WaitAsync(TimeSpan.FromSeconds(1), timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new CaNotReadyException("CA is uninitialized: the leader has not generated a root yet");
            }
        }
    }
}

/// <summary>The CA has not been initialized (no leader has generated a root yet): the API answers 503.</summary>
public sealed class CaNotReadyException : Exception
{
    public CaNotReadyException()
    {
    }

    public CaNotReadyException(string message)
        : base(message)
    {
    }

    public CaNotReadyException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
