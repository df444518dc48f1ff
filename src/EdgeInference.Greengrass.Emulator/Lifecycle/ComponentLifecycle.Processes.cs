using EdgeInference.Greengrass.Emulator.Recipes;

namespace EdgeInference.Greengrass.Emulator.Lifecycle;

/// <summary>Starting the scripts, their output and exits, and the loop's signals.</summary>
internal sealed partial class ComponentLifecycle
{
    /// <summary>Starts a step in the background (Startup, Run); its exit arrives as a signal.</summary>
    /// <returns>The process, or null when it could not be started (the component is then ERRORED).</returns>
    private RunningStep? Launch(string name, LifecycleStep step)
    {
        var id = Interlocked.Increment(ref _nextProcessId);
        ComponentProcess process;
        try
        {
            process = StartProcess(name, step);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            Transition(ComponentLifecycleState.Errored, $"{name} could not start /bin/sh: {ex.Message}");
            return null;
        }

        var running = new RunningStep(id, name, process);
        lock (_sync)
        {
            _processes.Add(running);
        }

        _ = process.Exited.ContinueWith(
            exited =>
            {
                LastExitCode = exited.Result;
                Log.StepExited(_logger, Name, name, exited.Result);
                Post(new Exited(id, name, exited.Result));
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
        return running;
    }

    /// <summary>Runs a step to its end (Install, Shutdown, Recover), killing it on timeout or when <paramref name="cancellationToken"/> fires.</summary>
    private async Task<StepResult> RunToCompletionAsync(string name, TimeSpan defaultTimeout, CancellationToken cancellationToken)
    {
        if (Step(name) is not { } step || Skipped(name, step))
        {
            return StepResult.Ok;
        }

        ComponentProcess process;
        try
        {
            process = StartProcess(name, step);
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            return new StepResult($"{name} could not start /bin/sh: {ex.Message}", Stopped: false);
        }

        using (process)
        {
            var timeout = step.Timeout ?? defaultTimeout;
            try
            {
                var exitCode = await process.Exited.WaitAsync(timeout, _time, cancellationToken).ConfigureAwait(false);
                Log.StepExited(_logger, Name, name, exitCode);
                return exitCode == 0 ? StepResult.Ok : new StepResult($"{name} exited with {exitCode}", Stopped: false);
            }
            catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
            {
                await process.StopAsync(_spec.StopGracePeriod, _time, CancellationToken.None).ConfigureAwait(false);
                return ex is TimeoutException
                    ? new StepResult($"{name} timed out after {timeout.TotalSeconds:0.###} s", Stopped: false)
                    : new StepResult(null, Stopped: true);
            }
        }
    }

    private ComponentProcess StartProcess(string name, LifecycleStep step)
    {
        var environment = new Dictionary<string, string>(_spec.Environment, StringComparer.Ordinal);
        foreach (var (key, value) in step.Setenv)
        {
            environment[key] = value;
        }

        Directory.CreateDirectory(_spec.WorkPath);
        Log.StepStarting(_logger, Name, name, step.Script);
        return ComponentProcess.Start(step.Script, _spec.WorkPath, environment, (line, isError) => OnLine(name, line, isError));
    }

    private void OnLine(string step, string text, bool isError)
    {
        Log.ComponentOutput(_logger, Name, isError ? "stderr" : "stdout", text);
        OutputReceived?.Invoke(this, new ComponentOutputLine(step, isError, text, _time.GetUtcNow()) { ComponentName = Name });
    }

    /// <summary>How a step run to completion ended.</summary>
    /// <param name="Error">Null on success, else what went wrong.</param>
    /// <param name="Stopped">True when it was cut short by a stop request.</param>
    private sealed record StepResult(string? Error, bool Stopped)
    {
        public static readonly StepResult Ok = new(null, false);
    }

    /// <summary>A background script of this lifecycle.</summary>
    private sealed record RunningStep(long Id, string Step, ComponentProcess Process);

    private abstract record Signal;

    private sealed record Exited(long ProcessId, string Step, int ExitCode) : Signal;

    private sealed record TimedOut(long ProcessId, string Step, TimeSpan Timeout) : Signal;

    private sealed record Reported(ComponentLifecycleState State) : Signal;

    private sealed record StopRequested : Signal;

    private sealed record DependencyChanged : Signal;
}
