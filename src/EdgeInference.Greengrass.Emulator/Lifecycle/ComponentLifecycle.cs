using System.Text.Json.Nodes;
using System.Threading.Channels;
using EdgeInference.Greengrass.Emulator.Recipes;
using Microsoft.Extensions.Logging;

namespace EdgeInference.Greengrass.Emulator.Lifecycle;

/// <summary>What a <see cref="ComponentLifecycle"/> runs.</summary>
/// <param name="Name">The component.</param>
/// <param name="Lifecycle">The rendered <c>Lifecycle</c> of its manifest.</param>
/// <param name="WorkPath"><c>{work:path}</c>, the scripts' working directory.</param>
/// <param name="Environment">The nucleus's variables (<see cref="ComponentEnvironment"/>).</param>
/// <param name="Dependencies">Its dependencies in the deployment.</param>
/// <param name="StopGracePeriod">Between SIGTERM and SIGKILL when its processes are stopped (the nucleus: 5 s).</param>
internal sealed record ComponentLifecycleSpec(
    string Name, JsonObject Lifecycle, string WorkPath, IReadOnlyDictionary<string, string> Environment, IReadOnlyList<ComponentDependency> Dependencies, TimeSpan StopGracePeriod);

/// <summary>
/// One component's lifecycle, as the nucleus's Lifecycle and GenericExternalService run it (one loop per component,
/// like the nucleus's lifecycle thread):
/// <list type="bullet">
/// <item>NEW: <c>Install</c> runs to completion (timeout 120 s by default) → INSTALLED; a non-zero exit or timeout is
/// an error and the install is retried.</item>
/// <item>INSTALLED: waits until every HARD dependency is RUNNING or FINISHED (SOFT ones are not waited for) → STARTING.</item>
/// <item>STARTING: <c>Startup</c> starts (timeout 120 s); its exit 0, or the component's UpdateState RUNNING, → RUNNING;
/// without Startup, <c>Run</c> starts and the component is RUNNING at once; without either it is FINISHED.</item>
/// <item>RUNNING: Run exiting 0 stops the component (→ FINISHED); a non-zero exit, a Run timeout or UpdateState
/// ERRORED is an error.</item>
/// <item>STOPPING: <c>Shutdown</c> runs (timeout 15 s), then every process still running gets SIGTERM and, after the
/// grace period, SIGKILL (GenericExternalService.shutdown: Shutdown first, then the processes).</item>
/// <item>ERRORED: <c>Recover</c> runs if present, then the component is retried: reinstalled after an install error,
/// otherwise stopped and started again. The third error in the same state within an hour makes it BROKEN
/// (<see cref="ErrorCounter"/>); a BROKEN component's processes are stopped and it stays BROKEN.</item>
/// <item>A HARD dependency that stops being ready while the component is STARTING or RUNNING restarts it.</item>
/// </list>
/// Every state change is recorded with the <see cref="NucleusEmulator"/> (and its reason).
/// </summary>
internal sealed partial class ComponentLifecycle : IAsyncDisposable
{
    // Lifecycle.java defaults.
    private static readonly TimeSpan DefaultInstallTimeout = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan DefaultStartupTimeout = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan DefaultShutdownTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan DefaultRecoverTimeout = TimeSpan.FromSeconds(60);

    private readonly ComponentLifecycleSpec _spec;
    private readonly NucleusEmulator _emulator;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly ErrorCounter _errors;
    private readonly Channel<Signal> _signals = Channel.CreateUnbounded<Signal>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stopRequested = new();
    private readonly Lock _sync = new();
    private readonly List<RunningStep> _processes = [];
    private readonly List<ITimer> _timers = [];
    private readonly TaskCompletionSource<ComponentLifecycleState> _settled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private IDisposable? _reportRoute;
    private Task _loop = Task.CompletedTask;
    private ComponentLifecycleState _state = ComponentLifecycleState.New;
    private ComponentLifecycleState _previous = ComponentLifecycleState.New;
    private long _nextProcessId;
    private bool _runFinished;
    private int _started;

    public ComponentLifecycle(ComponentLifecycleSpec spec, NucleusEmulator emulator, ILogger logger, TimeProvider time, TimeSpan errorResetTime)
    {
        _spec = spec;
        _emulator = emulator;
        _logger = logger;
        _time = time;
        _errors = new ErrorCounter(time, errorResetTime);
    }

    /// <summary>Raised for every line a script writes (on a thread-pool thread).</summary>
    public event EventHandler<ComponentOutputLine>? OutputReceived;

    public string Name => _spec.Name;

    /// <summary>The current state.</summary>
    public ComponentLifecycleState State
    {
        get
        {
            lock (_sync)
            {
                return _state;
            }
        }
    }

    /// <summary>The exit code of the last Run (or Startup, without Run) process that ended; null until one ends.</summary>
    public int? LastExitCode { get; private set; }

    /// <summary>The reason of the last error (e.g. <c>Run exited with 3</c>); null when none.</summary>
    public string? LastError { get; private set; }

    /// <summary>Why the component is BROKEN (e.g. <c>3 errors in RUNNING; last: Run exited with 3</c>); null unless it is.</summary>
    public string? BrokenReason { get; private set; }

    /// <summary>Completes with the first of RUNNING, FINISHED or BROKEN the component reaches.</summary>
    public Task<ComponentLifecycleState> Settled => _settled.Task;

    /// <summary>Completes when the lifecycle has ended (after a stop).</summary>
    public Task Completion => _loop;

    /// <summary>Starts the lifecycle from NEW (the component must be registered with the emulator).</summary>
    public void Start()
    {
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            throw new InvalidOperationException($"The lifecycle of {Name} was already started.");
        }

        _reportRoute = _emulator.RouteStateReports(Name, reported => Post(new Reported(reported)));
        _emulator.StateChanged += OnStateChanged;
        _loop = Task.Run(LoopAsync, CancellationToken.None);
    }

    /// <summary>Stops the component (Shutdown, SIGTERM, SIGKILL) and waits until its lifecycle has ended.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        // The source has no timer, so it is never disposed and a second stop is harmless.
        await _stopRequested.CancelAsync().ConfigureAwait(false);
        Post(new StopRequested());
        await _loop.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);

    private void Post(Signal signal) => _signals.Writer.TryWrite(signal);

    private void OnStateChanged(object? sender, ComponentStateChange change)
    {
        if (_spec.Dependencies.Any(d => d.Type == DependencyType.Hard && d.Name == change.ComponentName))
        {
            Post(new DependencyChanged());
        }
    }

    private async Task LoopAsync()
    {
        try
        {
            while (await StepAsync().ConfigureAwait(false))
            {
            }
        }
        catch (Exception ex)
        {
            // The loop boundary: anything unexpected breaks the component rather than the emulator.
            Log.LifecycleFailed(_logger, Name, ex);
            Transition(ComponentLifecycleState.Broken, $"the emulator's lifecycle failed: {ex.Message}");
            await StopProcessesAsync().ConfigureAwait(false);
        }
        finally
        {
            _emulator.StateChanged -= OnStateChanged;
            _reportRoute?.Dispose();
            DisposeTimers();
            _settled.TrySetResult(State);
        }
    }

    /// <summary>Handles the current state once.</summary>
    /// <returns>False when the lifecycle has ended.</returns>
    private async Task<bool> StepAsync()
    {
        switch (State)
        {
            case ComponentLifecycleState.New:
                if (_stopRequested.IsCancellationRequested)
                {
                    Transition(ComponentLifecycleState.Finished, "stopped before it was installed");
                    return false;
                }

                await InstallAsync().ConfigureAwait(false);
                return true;
            case ComponentLifecycleState.Installed:
                if (!await WaitForDependenciesAsync().ConfigureAwait(false))
                {
                    Transition(ComponentLifecycleState.Finished, "stopped while waiting for its dependencies");
                    return false;
                }

                Transition(ComponentLifecycleState.Starting);
                return true;
            case ComponentLifecycleState.Starting:
                StartStartupOrRun();
                if (State == ComponentLifecycleState.Starting)
                {
                    await WhileStartingAsync().ConfigureAwait(false);
                }

                return true;
            case ComponentLifecycleState.Running:
                await WhileRunningAsync().ConfigureAwait(false);
                return true;
            case ComponentLifecycleState.Stopping:
                await ShutdownAsync().ConfigureAwait(false);
                Transition(_stopRequested.IsCancellationRequested || _runFinished ? ComponentLifecycleState.Finished : ComponentLifecycleState.Installed);
                return true;
            case ComponentLifecycleState.Errored:
                await RecoverThenRetryAsync().ConfigureAwait(false);
                return true;
            case ComponentLifecycleState.Broken:
                if (_previous is ComponentLifecycleState.Starting or ComponentLifecycleState.Running or ComponentLifecycleState.Errored)
                {
                    await ShutdownAsync().ConfigureAwait(false);
                }

                await WaitForStopAsync().ConfigureAwait(false);
                return false;
            default:
                await WaitForStopAsync().ConfigureAwait(false);
                return false;
        }
    }

    /// <summary>Moves to <paramref name="reported"/> (or BROKEN, by the error rule) and records it.</summary>
    private void Transition(ComponentLifecycleState reported, string? reason = null, StateChangeSource source = StateChangeSource.Lifecycle)
    {
        ComponentLifecycleState next;
        lock (_sync)
        {
            next = _errors.Count(_state, reported);
            if (next == _state)
            {
                if (source == StateChangeSource.UpdateState)
                {
                    // The nucleus ignores a report of the current state; the emulator still records it, so tests see it.
                    _emulator.RecordState(Name, next, source, reason);
                }

                return;
            }

            _previous = _state;
            _state = next;
        }

        if (next is ComponentLifecycleState.Errored or ComponentLifecycleState.Broken)
        {
            LastError = reason ?? (source == StateChangeSource.UpdateState ? "the component reported ERRORED" : LastError);
        }

        if (next == ComponentLifecycleState.Broken)
        {
            BrokenReason = reported == ComponentLifecycleState.Broken
                ? reason
                : $"{ErrorCounter.MaximumContinualErrors} errors in {_previous.ToString().ToUpperInvariant()}; last: {LastError}";
        }

        _emulator.RecordState(Name, next, source, next == ComponentLifecycleState.Broken ? BrokenReason : reason);
        if (next is ComponentLifecycleState.Running or ComponentLifecycleState.Finished or ComponentLifecycleState.Broken)
        {
            _settled.TrySetResult(next);
        }
    }

    private bool IsCurrent(long processId)
    {
        lock (_sync)
        {
            return _processes.Any(p => p.Id == processId);
        }
    }

    private void Arm(RunningStep process, TimeSpan timeout)
    {
        var timer = _time.CreateTimer(_ => Post(new TimedOut(process.Id, process.Step, timeout)), null, timeout, Timeout.InfiniteTimeSpan);
        lock (_sync)
        {
            _timers.Add(timer);
        }
    }

    private void DisposeTimers()
    {
        lock (_sync)
        {
            foreach (var timer in _timers)
            {
                timer.Dispose();
            }

            _timers.Clear();
        }
    }

    private LifecycleStep? Step(string name) =>
        LifecycleStep.From(_spec.Lifecycle.Member(name), _spec.Lifecycle.Member("Setenv") as JsonObject);

    private bool Skipped(string name, LifecycleStep step)
    {
        if (!step.ShouldSkip())
        {
            return false;
        }

        Log.StepSkipped(_logger, Name, name, step.SkipIf!);
        return true;
    }
}
