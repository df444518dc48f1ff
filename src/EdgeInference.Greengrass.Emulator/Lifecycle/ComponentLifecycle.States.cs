using EdgeInference.Greengrass.Emulator.Recipes;

namespace EdgeInference.Greengrass.Emulator.Lifecycle;

/// <summary>What the lifecycle does in each state (Lifecycle.handleCurrentState* and GenericExternalService).</summary>
internal sealed partial class ComponentLifecycle
{
    private async Task InstallAsync()
    {
        var result = await RunToCompletionAsync("Install", DefaultInstallTimeout, _stopRequested.Token).ConfigureAwait(false);
        if (result.Stopped)
        {
            Transition(ComponentLifecycleState.Finished, "stopped while installing");
            return;
        }

        Transition(result.Error is null ? ComponentLifecycleState.Installed : ComponentLifecycleState.Errored, result.Error);
    }

    private async Task<bool> WaitForDependenciesAsync()
    {
        while (!DependenciesReady())
        {
            var signal = await _signals.Reader.ReadAsync().ConfigureAwait(false);
            if (signal is StopRequested)
            {
                return false;
            }
        }

        return !_stopRequested.IsCancellationRequested;
    }

    /// <summary>GreengrassService.dependencyReady: HARD dependencies RUNNING or FINISHED; SOFT ones in any state.</summary>
    private bool DependenciesReady() => _spec.Dependencies
        .Where(d => d.Type == DependencyType.Hard)
        .All(d => _emulator.GetState(d.Name) is ComponentLifecycleState.Running or ComponentLifecycleState.Finished);

    private void StartStartupOrRun()
    {
        _runFinished = false;
        DisposeTimers();
        if (Step("Startup") is { } startup && !Skipped("Startup", startup))
        {
            if (Launch("Startup", startup) is { } process)
            {
                Arm(process, startup.Timeout ?? DefaultStartupTimeout);
            }

            return;
        }

        if (Step("Run") is not { } run || Skipped("Run", run))
        {
            Transition(ComponentLifecycleState.Finished, "no Startup or Run to run");
            return;
        }

        if (Launch("Run", run) is { } running)
        {
            Transition(ComponentLifecycleState.Running);
            if (run.Timeout is { } timeout)
            {
                Arm(running, timeout);
            }
        }
    }

    private async Task WhileStartingAsync()
    {
        while (State == ComponentLifecycleState.Starting)
        {
            switch (await _signals.Reader.ReadAsync().ConfigureAwait(false))
            {
                case Exited { Step: "Startup" } exited when IsCurrent(exited.ProcessId):
                    Transition(exited.ExitCode == 0 ? ComponentLifecycleState.Running : ComponentLifecycleState.Errored, $"Startup exited with {exited.ExitCode}");
                    break;
                case TimedOut timedOut when IsCurrent(timedOut.ProcessId):
                    Transition(ComponentLifecycleState.Errored, $"{timedOut.Step} timed out after {timedOut.Timeout.TotalSeconds:0.###} s");
                    break;
                case var other:
                    OnSignalInAnyLiveState(other);
                    break;
            }
        }
    }

    private async Task WhileRunningAsync()
    {
        while (State == ComponentLifecycleState.Running)
        {
            switch (await _signals.Reader.ReadAsync().ConfigureAwait(false))
            {
                case Exited { Step: "Run" } exited when IsCurrent(exited.ProcessId):
                    _runFinished = exited.ExitCode == 0;
                    Transition(_runFinished ? ComponentLifecycleState.Stopping : ComponentLifecycleState.Errored, $"Run exited with {exited.ExitCode}");
                    break;
                case Exited { Step: "Startup", ExitCode: not 0 } exited when IsCurrent(exited.ProcessId):
                    Transition(ComponentLifecycleState.Errored, $"Startup exited with {exited.ExitCode}");
                    break;
                case TimedOut { Step: "Run" } timedOut when IsCurrent(timedOut.ProcessId):
                    Transition(ComponentLifecycleState.Errored, $"Run timed out after {timedOut.Timeout.TotalSeconds:0.###} s");
                    break;
                case var other:
                    OnSignalInAnyLiveState(other);
                    break;
            }
        }
    }

    /// <summary>What STARTING and RUNNING do alike: UpdateState, a stop request, a HARD dependency that went away.</summary>
    private void OnSignalInAnyLiveState(Signal signal)
    {
        switch (signal)
        {
            case Reported reported:
                Transition(reported.State, source: StateChangeSource.UpdateState);
                break;
            case StopRequested:
                Transition(ComponentLifecycleState.Stopping);
                break;
            case DependencyChanged when !DependenciesReady():
                Transition(ComponentLifecycleState.Stopping, "a HARD dependency is no longer RUNNING or FINISHED: restarting");
                break;
        }
    }

    private async Task RecoverThenRetryAsync()
    {
        if (Step("Recover") is not null)
        {
            await RunToCompletionAsync("Recover", DefaultRecoverTimeout, CancellationToken.None).ConfigureAwait(false);
        }

        switch (_previous)
        {
            case ComponentLifecycleState.New:
                Transition(_stopRequested.IsCancellationRequested ? ComponentLifecycleState.Finished : ComponentLifecycleState.New, "retrying the install");
                break;
            case ComponentLifecycleState.Starting or ComponentLifecycleState.Running:
                Transition(ComponentLifecycleState.Stopping, "stopping before a retry");
                break;
            default:
                Transition(_stopRequested.IsCancellationRequested ? ComponentLifecycleState.Finished : ComponentLifecycleState.Installed);
                break;
        }
    }

    private async Task WaitForStopAsync()
    {
        while (!_stopRequested.IsCancellationRequested)
        {
            await _signals.Reader.ReadAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Shutdown to completion, then SIGTERM (SIGKILL after the grace period) to every process still running.</summary>
    private async Task ShutdownAsync()
    {
        DisposeTimers();
        if (Step("Shutdown") is not null)
        {
            var result = await RunToCompletionAsync("Shutdown", DefaultShutdownTimeout, CancellationToken.None).ConfigureAwait(false);
            if (result.Error is { } error && error.Contains("timed out", StringComparison.Ordinal))
            {
                Log.ShutdownTimedOut(_logger, Name, error);
            }
        }

        await StopProcessesAsync().ConfigureAwait(false);
    }

    private async Task StopProcessesAsync()
    {
        RunningStep[] running;
        lock (_sync)
        {
            running = [.. _processes];
            _processes.Clear();
        }

        await Task.WhenAll(running.Select(async r =>
        {
            var (_, killed) = await r.Process.StopAsync(_spec.StopGracePeriod, _time).ConfigureAwait(false);
            if (killed)
            {
                Log.KillingAfterTimeout(_logger, Name, r.Step, _spec.StopGracePeriod);
            }

            r.Process.Dispose();
        })).ConfigureAwait(false);
    }
}
