using EdgeInference.Greengrass.Emulator.Deployments;
using Microsoft.Extensions.Logging;

namespace EdgeInference.Greengrass.Emulator.Cli;

/// <summary>One run of the standalone emulator: start the nucleus, deploy, serve, stop, clean up.</summary>
internal sealed class EmulatorRun
{
    private readonly EmulatorSettings _settings;
    private readonly TextWriter _output;
    private readonly Lock _outputLock = new();

    public EmulatorRun(EmulatorSettings settings, TextWriter output)
    {
        _settings = settings;
        _output = output;
    }

    /// <summary>Runs until Ctrl+C (or until every component is done, with --exit-when-done).</summary>
    /// <returns>The exit code.</returns>
    /// <exception cref="DeploymentRefusedException">Bad input, or the deployment breaks a rule.</exception>
    /// <exception cref="DeploymentFailedException">A component ended BROKEN.</exception>
    public async Task<int> ExecuteAsync(CancellationToken cancellationToken)
    {
        // Parsed before anything is created: malformed input leaves nothing behind.
        var request = new LocalDeploymentRequest
        {
            RecipeDirectory = _settings.RecipeDirectory,
            ArtifactDirectory = _settings.ArtifactDirectory,
            RootComponents = RootComponents.Parse(_settings.Merge),
            ConfigurationUpdates = await ReadUpdateConfigAsync(_settings.UpdateConfig, cancellationToken).ConfigureAwait(false),
        };
        _settings.ArchiveLimits.Validate();

        var root = WorkingRoot.Create(_settings.RootPath);
        try
        {
            return await DeployAndServeAsync(request, root, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (_settings.Keep)
            {
                Write($"[nucleus] kept the working folders in {root.Path}");
            }
            else
            {
                root.Remove();
            }
        }
    }

    /// <summary>greengrass-cli reads <c>--update-config</c> from a file when it names one, else as JSON; <c>@FILE</c> also names a file.</summary>
    internal static async Task<IReadOnlyDictionary<string, ConfigurationUpdate>> ReadUpdateConfigAsync(string? value, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return new Dictionary<string, ConfigurationUpdate>();
        }

        var file = value.StartsWith('@') ? value[1..] : File.Exists(value) ? value : null;
        if (value.StartsWith('@') && !File.Exists(file))
        {
            throw new DeploymentRefusedException(ConfigurationUpdate.OptionName, "JSON file", $"{file} does not exist");
        }

        var json = file is null ? value : await File.ReadAllTextAsync(file, cancellationToken).ConfigureAwait(false);
        return ConfigurationUpdate.ParseAll(json);
    }

    private async Task<int> DeployAndServeAsync(LocalDeploymentRequest request, WorkingRoot root, CancellationToken cancellationToken)
    {
        var options = new NucleusEmulatorOptions
        {
            SocketPath = _settings.SocketPath ?? Path.Combine(root.Path, "ipc.socket"),
            ThingName = _settings.ThingName,
            Region = _settings.Region,
            MqttHost = _settings.MqttHost,
            MqttPort = _settings.MqttPort,
        };
        using var loggerFactory = LoggerFactory.Create(b => b
            .AddSimpleConsole(o => o.SingleLine = true)
            .SetMinimumLevel(_settings.Verbose ? LogLevel.Information : LogLevel.Warning));
        await using var emulator = new NucleusEmulator(options, loggerFactory);
        emulator.StateChanged += (_, change) =>
            Write($"[state] {change.ComponentName} {change.State.ToString().ToUpperInvariant()} ({change.Source}){(change.Reason is null ? string.Empty : ": " + change.Reason)}");
        await emulator.StartAsync(cancellationToken).ConfigureAwait(false);
        Write($"[nucleus] IPC socket {emulator.SocketPath}; root {root.Path}; thing {options.ThingName}"
            + (options.MqttHost is null ? "; no MQTT broker (IoT Core calls fail)" : $"; IoT Core = mqtt://{options.MqttHost}:{options.MqttPort}"));

        Deployment deployment;
        try
        {
            deployment = await StartDeploymentAsync(emulator, request, root, loggerFactory, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Write("[nucleus] stopping");
            return 0;
        }

        await using (deployment)
        {
            Write($"[deployment] succeeded: {string.Join(", ", deployment.Components.Select(c => $"{c.Name} {c.Version} {emulator.GetState(c.Name)?.ToString().ToUpperInvariant()}"))}");
            if (deployment.TokenExchange is { } tes)
            {
                Write($"[nucleus] token exchange service at {tes.Uri}{(tes.HasCredentials ? string.Empty : " (no AWS credentials in the environment: requests get HTTP 500)")}");
            }

            var exitCode = await ServeAsync(emulator, deployment, cancellationToken).ConfigureAwait(false);
            Write("[nucleus] stopping");
            await deployment.StopAsync(CancellationToken.None).ConfigureAwait(false);
            return exitCode;
        }
    }

    private async Task<Deployment> StartDeploymentAsync(
        NucleusEmulator emulator, LocalDeploymentRequest request, WorkingRoot root, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        var deployment = await Deployment.CreateAsync(
            emulator,
            request,
            new DeploymentOptions { RootPath = root.Path, ArchiveLimits = _settings.ArchiveLimits },
            loggerFactory,
            cancellationToken: cancellationToken).ConfigureAwait(false);
        deployment.OutputReceived += (_, line) => Write($"[{line.ComponentName} {line.Step}{(line.IsStandardError ? " stderr" : string.Empty)}] {line.Text}");
        await deployment.StartAsync(cancellationToken).ConfigureAwait(false);
        return deployment;
    }

    private async Task<int> ServeAsync(NucleusEmulator emulator, Deployment deployment, CancellationToken cancellationToken)
    {
        try
        {
            if (!_settings.ExitWhenDone)
            {
                await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
            }

            await deployment.WhenAllFinishedAsync(cancellationToken).ConfigureAwait(false);
            var broken = deployment.Components.Where(c => emulator.GetState(c.Name) == ComponentLifecycleState.Broken).Select(c => c.Name).ToList();
            Write(broken.Count == 0 ? "[deployment] every component finished" : $"[deployment] BROKEN: {string.Join(", ", broken)}");
            return broken.Count == 0 ? 0 : EmulatorCommand.ExitDeploymentFailed;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return 0;
        }
    }

    private void Write(string line)
    {
        lock (_outputLock)
        {
            _output.WriteLine(line);
        }
    }
}
