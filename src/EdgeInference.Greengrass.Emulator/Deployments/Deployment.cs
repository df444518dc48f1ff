using EdgeInference.Greengrass.Emulator.Lifecycle;
using EdgeInference.Greengrass.Emulator.Recipes;
using EdgeInference.Greengrass.Emulator.Tes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeInference.Greengrass.Emulator.Deployments;

/// <summary>
/// A local deployment running on a <see cref="NucleusEmulator"/>, as <c>greengrass-cli deployment create</c> makes one
/// on a device: planned (<see cref="CreateAsync"/>; refused before anything starts), then every component
/// registered (SVCUID, configuration with its <c>accessControl</c>) and its lifecycle started (<see cref="StartAsync"/>) — installs run at once,
/// a component starts once its HARD dependencies are RUNNING or FINISHED. The deployment succeeds when every component
/// is RUNNING or FINISHED and fails when one ends BROKEN (DeploymentConfigMerger.waitForServicesToStart: "Service X in
/// broken state after deployment"); then everything it started is stopped. Built-ins (<see cref="BuiltinComponents"/>)
/// run inside the emulator; the token exchange service starts when a component depends on it.
/// </summary>
public sealed class Deployment : IAsyncDisposable
{
    /// <summary>DeploymentConfigMerger.WAIT_SVC_START_POLL_INTERVAL_MILLISEC.</summary>
    private static readonly TimeSpan ServicePollInterval = TimeSpan.FromSeconds(1);

    private readonly NucleusEmulator _emulator;
    private readonly ILogger _logger;
    private readonly Dictionary<string, ComponentLifecycle> _lifecycles = new(StringComparer.Ordinal);
    private readonly Lock _sync = new();
    private readonly DeploymentOptions _options;
    private readonly ILoggerFactory _loggerFactory;
    private readonly TimeProvider _time;
    private Task? _stopping;
    private int _started;

    private Deployment(
        NucleusEmulator emulator, IReadOnlyList<DeployedComponent> components, DeploymentOptions options, ILoggerFactory loggerFactory, TimeProvider time, ILogger logger)
    {
        _emulator = emulator;
        Components = components;
        _options = options;
        _loggerFactory = loggerFactory;
        _time = time;
        _logger = logger;
    }

    /// <summary>Raised for every line a component's script writes (on a thread-pool thread).</summary>
    public event EventHandler<ComponentOutputLine>? OutputReceived;

    /// <summary>The deployment's components in start order (dependencies first), built-ins included.</summary>
    public IReadOnlyList<DeployedComponent> Components { get; }

    /// <summary>The token exchange service, when a component depends on it.</summary>
    public TokenExchangeService? TokenExchange { get; private set; }

    /// <summary>Plans the deployment: recipes read, versions resolved, configurations computed, artifacts copied and unpacked, lifecycles rendered. Nothing runs yet.</summary>
    /// <exception cref="DeploymentRefusedException">Refused (the message names the component and the rule); nothing was started.</exception>
    public static async Task<Deployment> CreateAsync(
        NucleusEmulator emulator,
        LocalDeploymentRequest request,
        DeploymentOptions options,
        ILoggerFactory? loggerFactory = null,
        TimeProvider? timeProvider = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(emulator);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(options);
        options.ArchiveLimits.Validate();
        loggerFactory ??= NullLoggerFactory.Instance;
        var logger = loggerFactory.CreateLogger<Deployment>();
        var components = await DeploymentPlanner.PlanAsync(emulator, request, options, logger, cancellationToken).ConfigureAwait(false);
        foreach (var component in components.Where(c => emulator.GetState(c.Name) is not null))
        {
            throw new DeploymentRefusedException(component.Name, "one deployment per emulator", "is already registered with this emulator");
        }

        return new Deployment(emulator, components, options, loggerFactory, timeProvider ?? TimeProvider.System, logger);
    }

    /// <summary>Starts every component and waits until the deployment has succeeded (every component RUNNING or FINISHED).</summary>
    /// <exception cref="DeploymentFailedException">A component ended BROKEN; everything started has been stopped.</exception>
    /// <exception cref="OperationCanceledException">Cancelled while waiting; everything started has been stopped.</exception>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            throw new InvalidOperationException("The deployment was already started.");
        }

        await RunAsync(_options, _loggerFactory, _time, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Completes when every component is FINISHED or BROKEN (components that exit on their own).</summary>
    public async Task WhenAllFinishedAsync(CancellationToken cancellationToken = default)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void Check(object? sender, ComponentStateChange change)
        {
            if (_lifecycles.Values.All(l => l.State is ComponentLifecycleState.Finished or ComponentLifecycleState.Broken))
            {
                done.TrySetResult();
            }
        }

        _emulator.StateChanged += Check;
        try
        {
            Check(null, null!);
            await done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _emulator.StateChanged -= Check;
        }
    }

    /// <summary>The last exit code of a component's Run (or Startup) script; null before one ended.</summary>
    public int? LastExitCode(string componentName) => _lifecycles.TryGetValue(componentName, out var lifecycle) ? lifecycle.LastExitCode : null;

    /// <summary>
    /// Stops every component, dependents before their dependencies (a component's stop waits for its HARD dependers,
    /// as GreengrassService.close waits for them): Shutdown, then SIGTERM and SIGKILL after the grace period.
    /// </summary>
    public Task StopAsync(CancellationToken cancellationToken = default)
    {
        lock (_sync)
        {
            _stopping ??= StopAllAsync();
        }

        return _stopping.WaitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);

    /// <summary>Registers and starts everything; whatever goes wrong (a BROKEN component, cancellation) stops what was started first.</summary>
    private async Task RunAsync(DeploymentOptions options, ILoggerFactory loggerFactory, TimeProvider time, CancellationToken cancellationToken)
    {
        try
        {
            await RegisterAndStartAsync(options, loggerFactory, time, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await StopAsync(CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    private async Task RegisterAndStartAsync(DeploymentOptions options, ILoggerFactory loggerFactory, TimeProvider time, CancellationToken cancellationToken)
    {
        if (Components.Any(c => c.Name == BuiltinComponents.TokenExchangeService))
        {
            TokenExchange = await TokenExchangeService.StartAsync(_emulator, options.TesCredentials, loggerFactory, time, cancellationToken).ConfigureAwait(false);
        }

        foreach (var builtin in Components.Where(c => c.IsBuiltin))
        {
            _emulator.AddComponent(builtin.Name, builtin.Configuration);
            _emulator.SetState(builtin.Name, ComponentLifecycleState.Running, "built into the emulator");
        }

        var lifecycleLogger = loggerFactory.CreateLogger<ComponentLifecycle>();
        foreach (var component in Components.Where(c => !c.IsBuiltin))
        {
            var registration = _emulator.AddComponent(component.Name, component.Configuration);
            var spec = new ComponentLifecycleSpec(
                component.Name,
                component.Lifecycle,
                component.WorkPath,
                ComponentEnvironment.For(_emulator, registration.AuthToken, TokenExchange?.Uri),
                component.Dependencies,
                options.StopGracePeriod);
            var lifecycle = new ComponentLifecycle(spec, _emulator, lifecycleLogger, time, options.ErrorResetTime);
            lifecycle.OutputReceived += (_, line) => OutputReceived?.Invoke(this, line);
            _lifecycles[component.Name] = lifecycle;
        }

        await StartAndAwaitSettledAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Starts the lifecycles, then judges the deployment as DeploymentConfigMerger.waitForServicesToStart does: every
    /// second (WAIT_SVC_START_POLL_INTERVAL_MILLISEC), a BROKEN component fails it and every component RUNNING or
    /// FINISHED completes it. Like the nucleus's, the verdict depends on timing: a component that reaches RUNNING and
    /// fails later can be RUNNING at a poll, and the deployment succeeds.
    /// </summary>
    private async Task StartAndAwaitSettledAsync(CancellationToken cancellationToken)
    {
        foreach (var lifecycle in _lifecycles.Values)
        {
            lifecycle.Start();
        }

        Log.DeploymentProgress(_logger, $"started {_lifecycles.Count} component(s)");
        while (true)
        {
            if (_lifecycles.Values.FirstOrDefault(l => l.State == ComponentLifecycleState.Broken) is { } broken)
            {
                throw new DeploymentFailedException(broken.Name, broken.BrokenReason ?? "it broke");
            }

            if (_lifecycles.Values.All(l => l.State is ComponentLifecycleState.Running or ComponentLifecycleState.Finished))
            {
                Log.DeploymentProgress(_logger, "succeeded: every component is RUNNING or FINISHED");
                return;
            }

            await Task.Delay(ServicePollInterval, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task StopAllAsync()
    {
        var stops = new Dictionary<string, Task>(StringComparer.Ordinal);
        Task StopOne(ComponentLifecycle lifecycle)
        {
            if (stops.TryGetValue(lifecycle.Name, out var existing))
            {
                return existing;
            }

            var dependers = _lifecycles.Values
                .Where(other => Components.Single(c => c.Name == other.Name).Dependencies.Any(d => d.Name == lifecycle.Name && d.Type == DependencyType.Hard))
                .Select(StopOne)
                .ToArray();
            var stop = StopAfterAsync(lifecycle, dependers);
            stops[lifecycle.Name] = stop;
            return stop;
        }

        foreach (var lifecycle in _lifecycles.Values.Reverse())
        {
            _ = StopOne(lifecycle);
        }

        await Task.WhenAll(stops.Values).ConfigureAwait(false);
        foreach (var lifecycle in _lifecycles.Values)
        {
            await lifecycle.DisposeAsync().ConfigureAwait(false);
        }

        foreach (var builtin in Components.Where(c => c.IsBuiltin && _emulator.GetState(c.Name) is not null))
        {
            _emulator.SetState(builtin.Name, ComponentLifecycleState.Finished);
        }

        if (TokenExchange is { } tes)
        {
            await tes.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static async Task StopAfterAsync(ComponentLifecycle lifecycle, Task[] dependers)
    {
        await Task.WhenAll(dependers).ConfigureAwait(false);
        await lifecycle.StopAsync().ConfigureAwait(false);
    }
}
