using Mesh.Fsm.Model;
using Mesh.Server;
using Microsoft.Extensions.Logging;

namespace Mesh.Agent.Checks;

/// <summary>
/// How each kind of check repeats: HTTP, TCP and script probes run on their interval, one at a time per check and at most
/// <see cref="CheckRunnerOptions.MaxConcurrentProbes"/> at once overall; alias checks re-evaluate whenever the aliased
/// node changes in the store. Owns the shared HTTP clients and the probe slots for one run of the runner.
/// </summary>
internal sealed class CheckLoops : IDisposable
{
    private readonly ServerRuntime _runtime;
    private readonly CheckRunnerOptions _options;
    private readonly CheckStatusWriter _writer;
    private readonly ILogger _logger;
    private readonly HttpProbe _http;
    private readonly SemaphoreSlim _slots;

    public CheckLoops(ServerRuntime runtime, CheckRunnerOptions options, ILogger logger)
    {
        _runtime = runtime;
        _options = options;
        _logger = logger;
        _writer = new CheckStatusWriter(runtime, logger);
        _http = new HttpProbe(options.OutputMaxSize);
        _slots = new SemaphoreSlim(options.MaxConcurrentProbes, options.MaxConcurrentProbes);
    }

    /// <summary>The loop that keeps one check's status current, or null for a kind this runner does not run.</summary>
    public Func<CancellationToken, Task>? For(HealthCheck check)
    {
        var interval = CheckTiming.Interval(check, _options);
        var timeout = CheckTiming.Timeout(check, _options);
        var definition = check.Definition;
        switch (check.Type)
        {
            case "tcp":
                CheckLog.CheckStarted(_logger, check.Type, check.CheckId, interval);
                return ct => ProbeLoopAsync(check.CheckId, interval, token => TcpProbe.RunAsync(definition.TCP, timeout, token), ct);
            case "http":
                CheckLog.CheckStarted(_logger, check.Type, check.CheckId, interval);
                return ct => ProbeLoopAsync(check.CheckId, interval, token => _http.RunAsync(definition, timeout, token), ct);
            case "script" when _options.ScriptChecks && definition.ScriptArgs.Count > 0:
                CheckLog.CheckStarted(_logger, check.Type, check.CheckId, interval);
                return ct => ProbeLoopAsync(check.CheckId, interval, token => ScriptProbe.RunAsync(definition.ScriptArgs, timeout, _options.OutputMaxSize, token), ct);
            case "alias":
                CheckLog.CheckStarted(_logger, check.Type, check.CheckId, _options.AliasRefresh);
                return ct => AliasLoopAsync(check.CheckId, definition, ct);
            default:
                return null;
        }
    }

    private async Task ProbeLoopAsync(string checkId, TimeSpan interval, Func<CancellationToken, Task<CheckResult>> probe, CancellationToken cancellationToken)
    {
        var clock = _runtime.Clock;
        while (true)
        {
            var started = clock.GetTimestamp();
            CheckResult result;
            await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                result = await probe(cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                _slots.Release();
            }

            // A result that could not be written is simply retried on the next run.
            await _writer.WriteAsync(checkId, result, cancellationToken).ConfigureAwait(false);
            var wait = interval - clock.GetElapsedTime(started);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, clock, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task AliasLoopAsync(string checkId, CheckDefinition definition, CancellationToken cancellationToken)
    {
        var self = _runtime.Self.NodeName;
        var keys = AliasStatus.WatchKeysFor(definition, self);
        while (true)
        {
            // Capture before reading, so a change between the read and the wait still wakes us.
            var changed = _runtime.Fsm.Watches.Capture(keys);
            var result = AliasStatus.Evaluate(_runtime.Fsm.Current, definition, self);
            var written = await _writer.WriteAsync(checkId, result, cancellationToken).ConfigureAwait(false);
            await changed.WaitAsync(written ? _options.AliasRefresh : _options.RetryDelay, cancellationToken).ConfigureAwait(false);
        }
    }

    public void Dispose()
    {
        _http.Dispose();
        _slots.Dispose();
    }
}
