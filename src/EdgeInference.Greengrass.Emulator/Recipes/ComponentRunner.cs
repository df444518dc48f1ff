using System.Text.Json.Nodes;
using EdgeInference.Greengrass.Emulator.Artifacts;
using EdgeInference.Greengrass.Emulator.Deployments;
using EdgeInference.Greengrass.Emulator.Lifecycle;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace EdgeInference.Greengrass.Emulator.Recipes;

/// <summary>
/// Runs one component from its recipe against a <see cref="NucleusEmulator"/>, for tests: the manifest for this
/// platform, artifacts copied into the emulated store and unpacked, DefaultConfiguration merged with
/// <see cref="ComponentRunOptions.MergeConfiguration"/>, recipe variables rendered, and the nucleus's lifecycle
/// (<c>Install</c>, <c>Startup</c>/<c>Run</c>, retries and BROKEN, <c>Shutdown</c>, SIGTERM then SIGKILL). A whole
/// deployment — several recipes, dependencies, the token exchange service — is a <see cref="Deployment"/>.
/// </summary>
public sealed class ComponentRunner : IAsyncDisposable
{
    private readonly NucleusEmulator _emulator;
    private readonly ComponentRunOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly Lock _sync = new();
    private readonly List<ComponentOutputLine> _output = [];
    private readonly TaskCompletionSource<int> _runExit = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly bool _ownsRoot;
    private ComponentLifecycle? _lifecycle;
    private Dictionary<string, string> _environment = new(StringComparer.Ordinal);
    private JsonObject _renderedLifecycle = [];
    private int _started;
    private int _disposed;

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
        _ownsRoot = options.RootPath is null;
        RootPath = Path.GetFullPath(options.RootPath ?? Directory.CreateTempSubdirectory("gg-emulator-root-").FullName);
        var folders = ArtifactFolders.Under(RootPath, ComponentName, options.Recipe.ComponentVersion);
        ArtifactsPath = folders.ArtifactsPath;
        DecompressedPath = folders.DecompressedPath;
        WorkPath = Path.Combine(RootPath, "work", ComponentName);
    }

    /// <summary>Raised for every output line (on a thread-pool thread).</summary>
    public event EventHandler<ComponentOutputLine>? OutputReceived;

    /// <summary>The component's name.</summary>
    public string ComponentName { get; }

    /// <summary><c>{kernel:rootPath}</c>.</summary>
    public string RootPath { get; }

    /// <summary><c>{artifacts:path}</c>: <c>&lt;root&gt;/packages/artifacts/&lt;name&gt;/&lt;version&gt;</c>.</summary>
    public string ArtifactsPath { get; }

    /// <summary><c>{work:path}</c> (the scripts' working directory).</summary>
    public string WorkPath { get; }

    /// <summary><c>{artifacts:decompressedPath}</c>.</summary>
    public string DecompressedPath { get; }

    /// <summary>The component's registration (SVCUID) once started.</summary>
    public ComponentRegistration? Registration { get; private set; }

    /// <summary>The rendered lifecycle.</summary>
    public JsonObject Lifecycle => (JsonObject)_renderedLifecycle.DeepClone();

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

    /// <summary>
    /// Completes once the component is FINISHED or BROKEN, with the exit code of its last Run (or Startup) script — 0
    /// when it had none.
    /// </summary>
    public Task<int> RunCompletion => _runExit.Task;

    /// <summary>Prepares the component and starts its lifecycle; returns once it is RUNNING or FINISHED.</summary>
    /// <exception cref="RecipeException">No manifest for this platform, or a missing artifact.</exception>
    /// <exception cref="ArchiveException">An archive artifact broke an unpacking rule.</exception>
    /// <exception cref="ComponentLifecycleException">The component ended BROKEN (its install, startup or run failed three times).</exception>
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

        await Task.Run(() => Stage(manifest, cancellationToken), cancellationToken).ConfigureAwait(false);
        var update = _options.MergeConfiguration is { } merge ? new ConfigurationUpdate(merge, []) : null;
        var configuration = ConfigurationResolver.Resolve(null, recipe.DefaultConfiguration, update);
        var interpolator = new LifecycleInterpolator(
            ComponentName, new ComponentPaths(ArtifactsPath, DecompressedPath, WorkPath, configuration), RootPath, _emulator.Options.ThingName, DependencyPaths(recipe));
        _renderedLifecycle = interpolator.Interpolate(manifest.Member("Lifecycle") as JsonObject ?? recipe.GlobalLifecycle ?? []) as JsonObject ?? [];
        foreach (var (placeholder, reason) in interpolator.Unresolved)
        {
            Log.PlaceholderUnresolved(_logger, ComponentName, placeholder, reason);
        }

        Registration = _emulator.AddComponent(ComponentName, configuration);
        _environment = ComponentEnvironment.For(_emulator, Registration.AuthToken);
        var lifecycle = new ComponentLifecycle(
            new ComponentLifecycleSpec(ComponentName, _renderedLifecycle, WorkPath, _environment, [], _options.StopTimeout),
            _emulator,
            _logger,
            _time,
            ErrorCounter.DefaultResetTime);
        lifecycle.OutputReceived += OnLine;
        _emulator.StateChanged += OnStateChanged;
        _lifecycle = lifecycle;
        lifecycle.Start();

        var settled = await lifecycle.Settled.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (settled == ComponentLifecycleState.Broken)
        {
            var error = lifecycle.LastError ?? "broken";
            throw new ComponentLifecycleException(ComponentName, error.Split(' ', 2)[0], error);
        }
    }

    /// <summary>Stops the component (Shutdown, then SIGTERM and SIGKILL after <see cref="ComponentRunOptions.StopTimeout"/>); it ends FINISHED (or stays BROKEN).</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (_lifecycle is { } lifecycle)
        {
            await lifecycle.StopAsync(cancellationToken).ConfigureAwait(false);
            _runExit.TrySetResult(lifecycle.LastExitCode ?? 0);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await StopAsync().ConfigureAwait(false);
        _emulator.StateChanged -= OnStateChanged;
        if (_ownsRoot)
        {
            try
            {
                Directory.Delete(RootPath, recursive: true);
            }
            catch (IOException)
            {
                // A leftover temp folder is harmless.
            }
        }
    }

    private void Stage(JsonObject? manifest, CancellationToken cancellationToken)
    {
        try
        {
            ArtifactStager.Stage(
                $"{ComponentName}-v{_options.Recipe.ComponentVersion}",
                ComponentRecipe.Artifacts(manifest),
                _options.ArtifactsPath,
                new ArtifactFolders(ArtifactsPath, DecompressedPath),
                _options.ArchiveLimits,
                cancellationToken);
        }
        catch (ArtifactMissingException ex)
        {
            throw new RecipeException(ex.Message, ex);
        }
    }

    private Dictionary<string, ComponentPaths> DependencyPaths(ComponentRecipe recipe)
    {
        var declared = recipe.Dependencies.ToHashSet(StringComparer.Ordinal);
        var paths = new Dictionary<string, ComponentPaths>(StringComparer.Ordinal);
        foreach (var (name, folder) in _options.DependencyArtifacts.Where(d => declared.Contains(d.Key)))
        {
            var artifacts = Path.GetFullPath(folder);
            var decompressed = Path.Combine(RootPath, "packages", "artifacts-unarchived", name);
            foreach (var zip in Directory.Exists(artifacts) ? Directory.EnumerateFiles(artifacts, "*.zip") : [])
            {
                SafeZipExtractor.Extract(zip, Path.Combine(decompressed, ArtifactStager.FileNameWithoutExtension(Path.GetFileName(zip))), _options.ArchiveLimits);
            }

            paths[name] = new ComponentPaths(artifacts, decompressed, Path.Combine(RootPath, "work", name), null);
        }

        return paths;
    }

    private void OnLine(object? sender, ComponentOutputLine line)
    {
        lock (_sync)
        {
            _output.Add(line);
        }

        OutputReceived?.Invoke(this, line);
    }

    private void OnStateChanged(object? sender, ComponentStateChange change)
    {
        if (change.ComponentName == ComponentName && change.State is ComponentLifecycleState.Finished or ComponentLifecycleState.Broken)
        {
            _runExit.TrySetResult(_lifecycle?.LastExitCode ?? 0);
        }
    }
}
