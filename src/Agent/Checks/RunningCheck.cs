using Microsoft.Extensions.Logging;

namespace Mesh.Agent.Checks;

/// <summary>One check's loop, with its own cancellation so that it can be stopped when the check changes or goes away.</summary>
internal sealed class RunningCheck
{
    private readonly CancellationTokenSource _stop;
    private Task? _stopped;

    private RunningCheck(string checkId, CheckSpec spec, CancellationTokenSource stop, Task task)
    {
        CheckId = checkId;
        Spec = spec;
        _stop = stop;
        Task = task;
    }

    public string CheckId { get; }

    public CheckSpec Spec { get; }

    /// <summary>Completes when the loop ends; never faults.</summary>
    public Task Task { get; }

    public static RunningCheck Start(string checkId, CheckSpec spec, Func<CancellationToken, Task> loop, ILogger logger, CancellationToken stopping)
    {
        var stop = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var task = Task.Run(() => RunAsync(checkId, loop, logger, stop.Token), CancellationToken.None);
        return new RunningCheck(checkId, spec, stop, task);
    }

    /// <summary>Cancels the loop and waits for it to end; calling it again returns the same wait.</summary>
    public Task StopAsync() => _stopped ??= StopOnceAsync();

    private async Task StopOnceAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await Task.ConfigureAwait(false);
        _stop.Dispose();
    }

    private static async Task RunAsync(string checkId, Func<CancellationToken, Task> loop, ILogger logger, CancellationToken cancellationToken)
    {
        try
        {
            await loop(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            CheckLog.CheckStopped(logger, checkId);
        }
#pragma warning disable CA1031 // A broken check must not take the runner down; the next scan restarts it.
        catch (Exception error)
#pragma warning restore CA1031
        {
            CheckLog.CheckCrashed(logger, checkId, error);
        }
    }
}
