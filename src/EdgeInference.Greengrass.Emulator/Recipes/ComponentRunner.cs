using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeInference.Greengrass.Emulator.Recipes;

/// <summary>
/// Runs one component from its recipe the way the nucleus does: picks the manifest for this platform, unpacks ZIP
/// artifacts, merges DefaultConfiguration with the deployment's merge, registers the component (SVCUID) with the
/// <see cref="NucleusEmulator"/>, renders recipe variables, sets the component environment, runs Install then Run
/// (or Startup) with <c>sh -c</c>, records output and lifecycle states, and stops with SIGTERM then SIGKILL.
/// </summary>
public sealed class ComponentRunner : IAsyncDisposable
{
    private static readonly TimeSpan DefaultStepTimeout = TimeSpan.FromSeconds(120);
    private readonly NucleusEmulator _emulator;
    private readonly ComponentRunOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Lock _sync = new();
    private readonly List<ComponentOutputLine> _output = [];
    private readonly TaskCompletionSource<int> _runExit = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Dictionary<string, string> _environment = new(StringComparer.Ordinal);
    private JsonObject _lifecycle = [];
    private ComponentProcess? _running;
    private bool _stopping;
    private int _started;

    /// <summary>Creates a runner; nothing happens until <see cref="StartAsync"/>.</summary>
    public ComponentRunner(NucleusEmulator emulator, ComponentRunOptions options, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(emulator);
        ArgumentNullException.ThrowIfNull(options);
        _emulator = emulator;
        _options = options;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<ComponentRunner>();
        _time = timeProvider ?? TimeProvider.System;
        ComponentName = options.Recipe.ComponentName;
        RootPath = Path.GetFullPath(options.RootPath ?? Directory.CreateTempSubdirectory("gg-emulator-root-").FullName);
        ArtifactsPath = Path.GetFullPath(options.ArtifactsPath);
        WorkPath = Path.Combine(RootPath, "work", ComponentName);
        DecompressedPath = Path.Combine(RootPath, "packages", "artifacts-unarchived", ComponentName, options.Recipe.ComponentVersion);
    }

    /// <summary>Raised for every output line (on a thread-pool thread).</summary>
    public event EventHandler<ComponentOutputLine>? OutputReceived;

    /// <summary>The component's name.</summary>
    public string ComponentName { get; }

    /// <summary><c>{kernel:rootPath}</c>.</summary>
    public string RootPath { get; }

    /// <summary><c>{artifacts:path}</c>.</summary>
    public string ArtifactsPath { get; }

    /// <summary><c>{work:path}</c> (the scripts' working directory).</summary>
    public string WorkPath { get; }

    /// <summary><c>{artifacts:decompressedPath}</c>.</summary>
    public string DecompressedPath { get; }

    /// <summary>The component's registration (SVCUID) once started.</summary>
    public ComponentRegistration? Registration { get; private set; }

    /// <summary>The rendered lifecycle.</summary>
    public JsonObject Lifecycle => (JsonObject)_lifecycle.DeepClone();

    /// <summary>The variables the nucleus sets for the component (on top of the emulator's own environment).</summary>
    public IReadOnlyDictionary<string, string> Environment => _environment;

    /// <summary>Every output line so far.</summary>
    public IReadOnlyList<ComponentOutputLine> Output
    {
        get
        {
            lock (_sync)
            {
                return [.. _output];
            }
        }
    }

    /// <summary>Completes with the Run script's exit code (0 at once when the recipe has no Run).</summary>
    public Task<int> RunCompletion => _runExit.Task;

    /// <summary>Prepares and installs the component, then starts Run (or runs Startup). Returns once it is RUNNING (or FINISHED without Run).</summary>
    /// <exception cref="RecipeException">No manifest for this platform, or a missing/corrupt artifact.</exception>
    /// <exception cref="ComponentLifecycleException">Install/Startup failed or timed out, or Run could not start.</exception>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            throw new InvalidOperationException("StartAsync was already called.");
        }

        var recipe = _options.Recipe;
        var manifest = PlatformMatcher.Select(recipe.Manifests, _options.Platform);
        if (manifest is null && (recipe.Manifests.Count > 0 || recipe.GlobalLifecycle is null))
        {
            var platform = _options.Platform ?? PlatformMatcher.CurrentPlatform;
            throw new RecipeException(
                $"{ComponentName} has no manifest for this platform ({string.Join(", ", platform.Select(p => $"{p.Key}={p.Value}"))}).");
        }

        Directory.CreateDirectory(WorkPath);
        Directory.CreateDirectory(DecompressedPath);
        ArtifactUnarchiver.Prepare(manifest, ArtifactsPath, DecompressedPath);
        var dependencies = PrepareDependencies();

        Registration = _emulator.AddComponent(ComponentName, recipe.DefaultConfiguration);
        if (_options.MergeConfiguration is { } merge)
        {
            await _emulator.UpdateConfigurationAsync(ComponentName, merge, cancellationToken).ConfigureAwait(false);
        }

        var interpolator = new LifecycleInterpolator(
            ComponentName,
            new ComponentPaths(ArtifactsPath, DecompressedPath, WorkPath, _emulator.GetConfiguration(ComponentName)),
            RootPath,
            _emulator.Options.ThingName,
            dependencies);
        _lifecycle = interpolator.Interpolate(manifest?["Lifecycle"] as JsonObject ?? recipe.GlobalLifecycle ?? []) as JsonObject ?? [];
        foreach (var (placeholder, reason) in interpolator.Unresolved)
        {
            Log.PlaceholderUnresolved(_logger, ComponentName, placeholder, reason);
        }

        _environment = BuildEnvironment(Registration.AuthToken);

        if (Step("Install") is { } install)
        {
            var exitCode = await RunToCompletionAsync("Install", install, cancellationToken).ConfigureAwait(false);
            if (exitCode != 0)
            {
                _emulator.SetState(ComponentName, ComponentLifecycleState.Errored);
                _runExit.TrySetResult(exitCode);
                throw new ComponentLifecycleException(ComponentName, "Install", $"exited with {exitCode}.");
            }
        }

        _emulator.SetState(ComponentName, ComponentLifecycleState.Installed);
        await StartRunAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops Run (SIGTERM, SIGKILL after <see cref="ComponentRunOptions.StopTimeout"/>), runs Shutdown, and marks the component FINISHED.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        ComponentProcess? running;
        lock (_sync)
        {
            if (_stopping)
            {
                return;
            }

            _stopping = true;
            running = _running;
        }

        if (Volatile.Read(ref _started) == 0 || Registration is null)
        {
            return;
        }

        _emulator.SetState(ComponentName, ComponentLifecycleState.Stopping);
        if (running is not null)
        {
            var (exitCode, killed) = await running.StopAsync(_options.StopTimeout, _time, cancellationToken).ConfigureAwait(false);
            if (killed)
            {
                Log.KillingAfterTimeout(_logger, ComponentName, "Run", _options.StopTimeout);
            }

            _runExit.TrySetResult(exitCode);
        }

        if (Step("Shutdown") is { } shutdown)
        {
            await RunToCompletionAsync("Shutdown", shutdown, cancellationToken).ConfigureAwait(false);
        }

        _emulator.SetState(ComponentName, ComponentLifecycleState.Finished);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _running?.Dispose();
    }

    private async Task StartRunAsync(CancellationToken cancellationToken)
    {
        if (Step("Startup") is { } startup)
        {
            _emulator.SetState(ComponentName, ComponentLifecycleState.Starting);
            var exitCode = await RunToCompletionAsync("Startup", startup, cancellationToken).ConfigureAwait(false);
            _emulator.SetState(ComponentName, exitCode == 0 ? ComponentLifecycleState.Running : ComponentLifecycleState.Errored);
            _runExit.TrySetResult(exitCode);
            return;
        }

        if (Step("Run") is not { } run)
        {
            _emulator.SetState(ComponentName, ComponentLifecycleState.Finished);
            _runExit.TrySetResult(0);
            return;
        }

        _emulator.SetState(ComponentName, ComponentLifecycleState.Starting);
        var process = StartProcess("Run", run);
        lock (_sync)
        {
            _running = process;
        }

        _emulator.SetState(ComponentName, ComponentLifecycleState.Running);
        _ = process.Exited.ContinueWith(
            exited =>
            {
                var exitCode = exited.Result;
                Log.StepExited(_logger, ComponentName, "Run", exitCode);
                bool stopping;
                lock (_sync)
                {
                    stopping = _stopping;
                }

                if (!stopping)
                {
                    _emulator.SetState(ComponentName, exitCode == 0 ? ComponentLifecycleState.Finished : ComponentLifecycleState.Errored);
                    _runExit.TrySetResult(exitCode);
                }
            },
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private async Task<int> RunToCompletionAsync(string name, LifecycleStep step, CancellationToken cancellationToken)
    {
        if (step.ShouldSkip())
        {
            Log.StepSkipped(_logger, ComponentName, name, step.SkipIf!);
            return 0;
        }

        using var process = StartProcess(name, step);
        try
        {
            var exitCode = await process.Exited.WaitAsync(step.Timeout ?? DefaultStepTimeout, _time, cancellationToken).ConfigureAwait(false);
            Log.StepExited(_logger, ComponentName, name, exitCode);
            return exitCode;
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            await process.StopAsync(_options.StopTimeout, _time, CancellationToken.None).ConfigureAwait(false);
            if (ex is OperationCanceledException)
            {
                throw;
            }

            _emulator.SetState(ComponentName, ComponentLifecycleState.Errored);
            throw new ComponentLifecycleException(ComponentName, name, $"timed out after {step.Timeout ?? DefaultStepTimeout}.", ex);
        }
    }

    private ComponentProcess StartProcess(string name, LifecycleStep step)
    {
        var environment = new Dictionary<string, string>(_environment, StringComparer.Ordinal);
        foreach (var (key, value) in step.Setenv)
        {
            environment[key] = value;
        }

        Log.StepStarting(_logger, ComponentName, name, step.Script);
        try
        {
            return ComponentProcess.Start(step.Script, WorkPath, environment, (line, isError) => OnLine(name, line, isError));
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            _emulator.SetState(ComponentName, ComponentLifecycleState.Errored);
            throw new ComponentLifecycleException(ComponentName, name, $"cannot start /bin/sh: {ex.Message}", ex);
        }
    }

    private void OnLine(string step, string text, bool isError)
    {
        var line = new ComponentOutputLine(step, isError, text, _time.GetUtcNow());
        lock (_sync)
        {
            _output.Add(line);
        }

        Log.ComponentOutput(_logger, ComponentName, isError ? "stderr" : "stdout", text);
        OutputReceived?.Invoke(this, line);
    }

    private LifecycleStep? Step(string name) => LifecycleStep.From(Find(_lifecycle, name), Find(_lifecycle, "Setenv") as JsonObject);

    private static JsonNode? Find(JsonObject obj, string key) =>
        obj.FirstOrDefault(p => string.Equals(p.Key, key, StringComparison.OrdinalIgnoreCase)).Value;

    private Dictionary<string, ComponentPaths> PrepareDependencies()
    {
        var dependencies = new Dictionary<string, ComponentPaths>(StringComparer.Ordinal);
        foreach (var (name, folder) in _options.DependencyArtifacts)
        {
            var artifacts = Path.GetFullPath(folder);
            var decompressed = Path.Combine(RootPath, "packages", "artifacts-unarchived", name);
            foreach (var zip in Directory.Exists(artifacts) ? Directory.EnumerateFiles(artifacts, "*.zip") : [])
            {
                ArtifactUnarchiver.Unzip(zip, Path.Combine(decompressed, Path.GetFileNameWithoutExtension(zip)));
            }

            var work = Path.Combine(RootPath, "work", name);
            Directory.CreateDirectory(work);
            dependencies[name] = new ComponentPaths(artifacts, decompressed, work, null);
        }

        return dependencies;
    }

    private Dictionary<string, string> BuildEnvironment(string authToken)
    {
        var options = _emulator.Options;
        var socketPath = Path.GetFullPath(_emulator.SocketPath);
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["SVCUID"] = authToken,
            ["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = authToken,
            ["AWS_GG_NUCLEUS_DOMAIN_SOCKET_FILEPATH_FOR_COMPONENT"] = socketPath,
            ["AWS_GG_NUCLEUS_DOMAIN_SOCKET_FILEPATH"] = socketPath,
            ["AWS_IOT_THING_NAME"] = options.ThingName,
            ["AWS_REGION"] = options.Region,
            ["AWS_DEFAULT_REGION"] = options.Region,
            ["GG_ROOT_CA_PATH"] = options.RootCaPath,
            ["GGC_VERSION"] = options.NucleusVersion,
            ["AWS_GG_FIPS_MODE"] = "false",
            ["AWS_USE_FIPS_ENDPOINT"] = "false",
        };
    }
}
