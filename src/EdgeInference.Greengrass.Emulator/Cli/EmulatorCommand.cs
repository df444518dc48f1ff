using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeInference.Greengrass.Emulator.Recipes;
using Microsoft.Extensions.Logging;

namespace EdgeInference.Greengrass.Emulator.Cli;

/// <summary>The standalone emulator: one component from its recipe, with a local nucleus, until Ctrl+C/SIGTERM.</summary>
internal static class EmulatorCommand
{
    public const int ExitFailure = 1;

    public static RootCommand Create()
    {
        var recipe = new Option<FileInfo>("--recipe") { Description = "The component recipe (YAML or JSON).", Required = true };
        var artifacts = new Option<DirectoryInfo>("--artifacts") { Description = "Folder with the component's artifacts ({artifacts:path}).", Required = true };
        var dependencies = new Option<string[]>("--dependency") { Description = "NAME=DIR: a dependency's artifacts folder, for {NAME:artifacts:path} (repeatable).", AllowMultipleArgumentsPerToken = false };
        var thingName = new Option<string>("--thing-name") { Description = "Thing name (AWS_IOT_THING_NAME, {iot:thingName}).", DefaultValueFactory = _ => "emulated-core" };
        var region = new Option<string>("--region") { Description = "AWS_REGION / AWS_DEFAULT_REGION.", DefaultValueFactory = _ => "us-east-1" };
        var mqttHost = new Option<string?>("--mqtt-host") { Description = "MQTT broker standing in for AWS IoT Core (PublishToIoTCore/SubscribeToIoTCore)." };
        var mqttPort = new Option<int>("--mqtt-port") { Description = "MQTT broker port.", DefaultValueFactory = _ => 1883 };
        var merge = new Option<string?>("--merge") { Description = "Deployment merge configuration: JSON text, or @FILE." };
        var socket = new Option<string?>("--socket") { Description = "IPC socket path (default: ipc.socket in the root folder)." };
        var root = new Option<DirectoryInfo?>("--root") { Description = "Emulated Greengrass root ({kernel:rootPath}); default: a new temp folder." };
        var exitWhenDone = new Option<bool>("--exit-when-done") { Description = "Exit when Run exits (with its exit code) instead of serving IPC until Ctrl+C." };
        var verbose = new Option<bool>("--verbose") { Description = "Log the emulator's IPC activity." };
        var command = new RootCommand("Local AWS IoT Greengrass nucleus: runs one component from its recipe with a real IPC socket (pub/sub, IoT Core over MQTT, configuration, UpdateState).")
        {
            recipe, artifacts, dependencies, thingName, region, mqttHost, mqttPort, merge, socket, root, exitWhenDone, verbose,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            try
            {
                var rootPath = parse.GetValue(root)?.FullName ?? Directory.CreateTempSubdirectory("gg-emulator-").FullName;
                Directory.CreateDirectory(rootPath);
                var options = new NucleusEmulatorOptions
                {
                    SocketPath = parse.GetValue(socket) ?? Path.Combine(rootPath, "ipc.socket"),
                    ThingName = parse.GetValue(thingName)!,
                    Region = parse.GetValue(region)!,
                    MqttHost = parse.GetValue(mqttHost),
                    MqttPort = parse.GetValue(mqttPort),
                };
                using var loggerFactory = LoggerFactory.Create(b => b
                    .AddSimpleConsole(o => o.SingleLine = true)
                    .SetMinimumLevel(parse.GetValue(verbose) ? LogLevel.Information : LogLevel.Warning));
                var runOptions = new ComponentRunOptions
                {
                    Recipe = await RecipeLoader.LoadAsync(parse.GetValue(recipe)!.FullName, cancellationToken).ConfigureAwait(false),
                    ArtifactsPath = parse.GetValue(artifacts)!.FullName,
                    DependencyArtifacts = ParseDependencies(parse.GetValue(dependencies) ?? []),
                    MergeConfiguration = await ReadMergeAsync(parse.GetValue(merge), cancellationToken).ConfigureAwait(false),
                    RootPath = rootPath,
                };

                await using var emulator = new NucleusEmulator(options, loggerFactory);
                emulator.StateChanged += (_, change) => output.WriteLine($"[state] {change.ComponentName} {change.State.ToString().ToUpperInvariant()} ({change.Source})");
                await emulator.StartAsync(cancellationToken).ConfigureAwait(false);
                output.WriteLine($"[nucleus] IPC socket {emulator.SocketPath}; root {rootPath}; thing {options.ThingName}" +
                    (options.MqttHost is null ? "; no MQTT broker (IoT Core calls fail)" : $"; IoT Core = mqtt://{options.MqttHost}:{options.MqttPort}"));

                await using var runner = new ComponentRunner(emulator, runOptions, loggerFactory);
                runner.OutputReceived += (_, line) => output.WriteLine($"[{line.Step}{(line.IsStandardError ? " stderr" : string.Empty)}] {line.Text}");
                await runner.StartAsync(cancellationToken).ConfigureAwait(false);

                var exitCode = 0;
                if (parse.GetValue(exitWhenDone))
                {
                    exitCode = await runner.RunCompletion.WaitAsync(cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
                }

                await runner.StopAsync(CancellationToken.None).ConfigureAwait(false);
                return exitCode;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                output.WriteLine("[nucleus] stopping");
                return 0;
            }
            catch (Exception ex) when (ex is GreengrassEmulatorException or JsonException or System.ComponentModel.DataAnnotations.ValidationException or ArgumentException)
            {
                error.WriteLine($"error: {ex.Message}");
                return ExitFailure;
            }
        });
        return command;
    }

    internal static Dictionary<string, string> ParseDependencies(IEnumerable<string> values)
    {
        var dependencies = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var value in values)
        {
            var separator = value.IndexOf('=', StringComparison.Ordinal);
            if (separator <= 0 || separator == value.Length - 1)
            {
                throw new ArgumentException($"--dependency '{value}' must be NAME=DIR.");
            }

            dependencies[value[..separator]] = value[(separator + 1)..];
        }

        return dependencies;
    }

    private static async Task<JsonObject?> ReadMergeAsync(string? value, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var text = value.StartsWith('@') ? await File.ReadAllTextAsync(value[1..], cancellationToken).ConfigureAwait(false) : value;
        return JsonNode.Parse(text) as JsonObject ?? throw new ArgumentException("--merge must be a JSON object.");
    }
}
