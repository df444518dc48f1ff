using System.CommandLine;
using EdgeInference.Greengrass.Emulator.Artifacts;
using EdgeInference.Greengrass.Emulator.Deployments;
using Microsoft.Extensions.Logging;

namespace EdgeInference.Greengrass.Emulator.Cli;

/// <summary>
/// The standalone emulator: a local nucleus that runs one local deployment, taken the way
/// <c>greengrass-cli deployment create</c> takes it, until Ctrl+C/SIGTERM (or until every component has finished,
/// with <c>--exit-when-done</c>); then it stops the components and removes its working folders.
/// </summary>
internal static class EmulatorCommand
{
    /// <summary>The emulator itself could not run (socket, MQTT broker, files).</summary>
    public const int ExitFailure = 1;

    /// <summary>The deployment was refused before anything started.</summary>
    public const int ExitRefused = 2;

    /// <summary>The deployment failed: a component ended BROKEN.</summary>
    public const int ExitDeploymentFailed = 3;

    public static RootCommand Create()
    {
        var options = new EmulatorOptions();
        var command = new RootCommand(
            "Local AWS IoT Greengrass nucleus: runs a local deployment (greengrass-cli deployment create flags) with a real IPC socket, "
            + "dependency resolution, the component lifecycle, the token exchange service and IoT Core over MQTT.");
        options.AddTo(command);
        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            try
            {
                var run = new EmulatorRun(options.Read(parse), output);
                return await run.ExecuteAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (DeploymentRefusedException ex)
            {
                await error.WriteLineAsync($"error: deployment refused: {ex.Message}").ConfigureAwait(false);
                return ExitRefused;
            }
            catch (Exception ex) when (ex is GreengrassEmulatorException or IOException or UnauthorizedAccessException
                or System.ComponentModel.DataAnnotations.ValidationException or ArgumentException)
            {
                await error.WriteLineAsync($"error: {ex.Message}").ConfigureAwait(false);
                return ex is DeploymentFailedException ? ExitDeploymentFailed : ExitFailure;
            }
        });
        return command;
    }

    /// <summary>The command's options.</summary>
    private sealed class EmulatorOptions
    {
        private readonly Option<string> _recipeDir = new("--recipeDir", "-r") { Description = "Folder of recipes (*.yaml, *.yml, *.json, searched recursively).", Required = true };
        private readonly Option<string?> _artifactDir = new("--artifactDir", "-a") { Description = "Folder of artifacts laid out as <dir>/<name>/<version>/." };
        private readonly Option<string[]> _merge = new("--merge", "-m") { Description = "NAME=VERSION of a root component to deploy (repeatable).", Required = true, AllowMultipleArgumentsPerToken = false };
        private readonly Option<string?> _updateConfig = new("--update-config", "-c") { Description = "{\"<name>\":{\"MERGE\":{...},\"RESET\":[\"/pointer\"]}} as JSON text, @FILE or a file path." };
        private readonly Option<string> _thingName = new("--thing-name") { Description = "Thing name (AWS_IOT_THING_NAME, {iot:thingName}).", DefaultValueFactory = _ => "emulated-core" };
        private readonly Option<string> _region = new("--region") { Description = "AWS_REGION / AWS_DEFAULT_REGION.", DefaultValueFactory = _ => "us-east-1" };
        private readonly Option<string?> _mqttHost = new("--mqtt-host") { Description = "MQTT broker standing in for AWS IoT Core (PublishToIoTCore/SubscribeToIoTCore)." };
        private readonly Option<int> _mqttPort = new("--mqtt-port") { Description = "MQTT broker port.", DefaultValueFactory = _ => 1883 };
        private readonly Option<string?> _socket = new("--socket") { Description = "IPC socket path (default: ipc.socket in the root folder)." };
        private readonly Option<DirectoryInfo?> _root = new("--root") { Description = "Emulated Greengrass root ({kernel:rootPath}); default: a new temp folder." };
        private readonly Option<bool> _keep = new("--keep") { Description = "Keep the working folders (artifacts copied and unpacked, work folders) on exit, and print where." };
        private readonly Option<bool> _exitWhenDone = new("--exit-when-done") { Description = "Exit once every component is FINISHED or BROKEN instead of serving IPC until Ctrl+C." };
        private readonly Option<bool> _verbose = new("--verbose") { Description = "Log the emulator's IPC, lifecycle and token exchange activity." };
        private readonly Option<long> _maxUnpackedBytes = new("--max-unpacked-bytes") { Description = "Most bytes one ZIP artifact may unpack to.", DefaultValueFactory = _ => ArchiveLimits.DefaultMaxUnpackedBytes };
        private readonly Option<int> _maxArchiveEntries = new("--max-archive-entries") { Description = "Most entries one ZIP artifact may hold.", DefaultValueFactory = _ => ArchiveLimits.DefaultMaxEntries };
        private readonly Option<double> _maxCompressionRatio = new("--max-compression-ratio") { Description = "Largest unpacked:compressed ratio of a ZIP entry of 1 MiB or more.", DefaultValueFactory = _ => ArchiveLimits.DefaultMaxCompressionRatio };

        public void AddTo(RootCommand command)
        {
            Option[] all = [_recipeDir, _artifactDir, _merge, _updateConfig, _thingName, _region, _mqttHost, _mqttPort, _socket, _root, _keep, _exitWhenDone, _verbose,
                _maxUnpackedBytes, _maxArchiveEntries, _maxCompressionRatio];
            foreach (var option in all)
            {
                command.Options.Add(option);
            }
        }

        public EmulatorSettings Read(ParseResult parse) => new(
            RecipeDirectory: Path.GetFullPath(parse.GetValue(_recipeDir)!),
            ArtifactDirectory: parse.GetValue(_artifactDir) is { } artifacts ? Path.GetFullPath(artifacts) : null,
            Merge: parse.GetValue(_merge) ?? [],
            UpdateConfig: parse.GetValue(_updateConfig),
            ThingName: parse.GetValue(_thingName)!,
            Region: parse.GetValue(_region)!,
            MqttHost: parse.GetValue(_mqttHost),
            MqttPort: parse.GetValue(_mqttPort),
            SocketPath: parse.GetValue(_socket),
            RootPath: parse.GetValue(_root)?.FullName,
            Keep: parse.GetValue(_keep),
            ExitWhenDone: parse.GetValue(_exitWhenDone),
            Verbose: parse.GetValue(_verbose),
            ArchiveLimits: new ArchiveLimits
            {
                MaxUnpackedBytes = parse.GetValue(_maxUnpackedBytes),
                MaxEntries = parse.GetValue(_maxArchiveEntries),
                MaxCompressionRatio = parse.GetValue(_maxCompressionRatio),
            });
    }
}

/// <summary>What the command line asked for.</summary>
internal sealed record EmulatorSettings(
    string RecipeDirectory,
    string? ArtifactDirectory,
    IReadOnlyList<string> Merge,
    string? UpdateConfig,
    string ThingName,
    string Region,
    string? MqttHost,
    int MqttPort,
    string? SocketPath,
    string? RootPath,
    bool Keep,
    bool ExitWhenDone,
    bool Verbose,
    ArchiveLimits ArchiveLimits);
