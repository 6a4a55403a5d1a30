using Mesh.Fsm.Commands;
using Mesh.Fsm.State;

namespace Mesh.Fsm;

/// <summary>The autopilot configuration: a whole-value replacement, optionally compare-and-set on its ModifyIndex.</summary>
internal static class AutopilotApply
{
    public static ApplyResult SetConfig(StoreTransaction tx, AutopilotSetConfigCommand command)
    {
        var current = tx.State.Autopilot?.ModifyIndex ?? 0;
        if (command.Cas && current != command.ExpectedModifyIndex)
        {
            return new ApplyResult(tx.Index, $"the autopilot configuration changed at index {current}, not {command.ExpectedModifyIndex}", ApplyErrorKind.CasConflict);
        }

        var config = command.Config;
        if (config.LastContactThresholdMilliseconds < 0 || config.ServerStabilizationTimeMilliseconds < 0 || config.MaxTrailingLogs < 0 || config.MinQuorum < 0)
        {
            return new ApplyResult(tx.Index, "autopilot durations, MaxTrailingLogs and MinQuorum must not be negative", ApplyErrorKind.Invalid);
        }

        tx.SetAutopilot(config);
        return new ApplyResult(tx.Index);
    }
}
