using EdgeInference.Greengrass.Emulator.Authorization;

namespace EdgeInference.Greengrass.Emulator;

/// <summary>Loaded access control, and UpdateState reports routed to the lifecycles that run components.</summary>
public sealed partial class NucleusEmulator
{
    /// <summary>
    /// Routes the component's UpdateState reports to <paramref name="onReport"/> (its lifecycle) instead of recording
    /// them directly; dispose the result to detach.
    /// </summary>
    internal IDisposable RouteStateReports(string componentName, Action<ComponentLifecycleState> onReport)
    {
        lock (_sync)
        {
            _stateReportHandlers[componentName] = onReport;
        }

        return new StateReportRoute(this, componentName, onReport);
    }

    /// <summary>
    /// The component's <c>accessControl</c> as the nucleus has loaded it; reloaded (and any refused resource logged with
    /// the nucleus's message) whenever it changed.
    /// </summary>
    internal AccessControl AccessControlOf(string componentName)
    {
        var node = _configuration.Get(componentName)?["accessControl"];
        var json = node?.ToJsonString() ?? string.Empty;
        lock (_sync)
        {
            if (_accessControls.TryGetValue(componentName, out var cached) && cached.Json == json)
            {
                return cached.Loaded;
            }
        }

        var loaded = AccessControl.Load(node);
        foreach (var problem in loaded.Problems)
        {
            Log.PolicyResourceRefused(_logger, componentName, problem.PolicyId, problem.Service, problem.Resource ?? string.Empty, problem.Message);
        }

        lock (_sync)
        {
            _accessControls[componentName] = (json, loaded);
        }

        return loaded;
    }

    /// <summary>An UpdateState report: to the component's lifecycle when one runs it, else recorded as is.</summary>
    private void ReportState(string componentName, ComponentLifecycleState reported)
    {
        Action<ComponentLifecycleState>? handler;
        lock (_sync)
        {
            handler = _stateReportHandlers.GetValueOrDefault(componentName);
        }

        if (handler is null)
        {
            RecordState(componentName, reported, StateChangeSource.UpdateState);
        }
        else
        {
            handler(reported);
        }
    }

    private sealed class StateReportRoute(NucleusEmulator owner, string componentName, Action<ComponentLifecycleState> handler) : IDisposable
    {
        public void Dispose()
        {
            lock (owner._sync)
            {
                if (owner._stateReportHandlers.TryGetValue(componentName, out var current) && current == handler)
                {
                    owner._stateReportHandlers.Remove(componentName);
                }
            }
        }
    }
}
