using System.CommandLine;
using System.Text.Json;
using EdgeInference.Worker.Options;

namespace EdgeInference.Worker.Models.Repository;

/// <summary>
/// <c>EdgeInference.Worker models register|unregister|list</c>: what a model component's lifecycle runs to hand its model
/// to the device's worker (<c>register</c> in Startup, <c>unregister</c> in Shutdown), and a look at the repository.
/// </summary>
public static class ModelsCommand
{
    public const int Loaded = 0;
    public const int Failed = 3;
    public const int NoAnswer = 1;
    public const int BadArguments = 2;

    public static Command Create(TimeProvider time)
    {
        var models = new Command("models", "Register model packages with the worker (model components do this in their lifecycle).");
        models.Subcommands.Add(CreateRegister(time));
        models.Subcommands.Add(CreateUnregister());
        models.Subcommands.Add(CreateList());
        return models;
    }

    private static Option<string> RepositoryOption() => new("--repository")
    {
        Description = "The worker's model repository folder (the runtime component's {work:path}/models).",
        Required = true,
    };

    private static Option<string> ComponentOption() => new("--component") { Description = "The registering model component's name.", Required = true };

    private static Command CreateRegister(TimeProvider time)
    {
        var repository = RepositoryOption();
        var component = ComponentOption();
        var name = new Option<string?>("--name") { Description = "The name requests address the model by (default: the component name)." };
        var package = new Option<string>("--package") { Description = "The unpacked model package folder (or .zip).", Required = true };
        var artifactsPath = new Option<string?>("--artifacts-path") { Description = "The component's {artifacts:path}; its last folder is the component version." };
        var version = new Option<string?>("--component-version") { Description = "The component version (default: from --artifacts-path)." };
        var wait = new Option<int>("--wait")
        {
            Description = "Seconds to wait for the worker to load the model (0: do not wait).",
            DefaultValueFactory = _ => 900,
        };
        var command = new Command("register", "Ask the worker to serve a model package; waits until it is loaded, or says why it cannot be.")
        {
            repository, component, name, package, artifactsPath, version, wait,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var error = parse.InvocationConfiguration.Error;
            var output = parse.InvocationConfiguration.Output;
            var componentName = parse.GetValue(component)!;
            var modelName = string.IsNullOrWhiteSpace(parse.GetValue(name)) ? componentName : parse.GetValue(name)!;
            var packagePath = Path.GetFullPath(parse.GetValue(package)!);
            var problems = new List<string>();
            if (!ModelNames.IsValid(componentName))
            {
                problems.Add($"--component '{componentName}' is not a component name ({ModelNames.Rule}).");
            }

            if (!ModelNames.IsValid(modelName))
            {
                problems.Add($"--name '{modelName}' is not a model name ({ModelNames.Rule}).");
            }

            if (!Directory.Exists(packagePath) && !File.Exists(packagePath))
            {
                problems.Add($"--package '{packagePath}' does not exist.");
            }

            if (parse.GetValue(wait) is < 0 or > 86_400)
            {
                problems.Add("--wait must be 0 to 86400 seconds.");
            }

            if (problems.Count > 0)
            {
                foreach (var problem in problems)
                {
                    await error.WriteLineAsync($"models register: {problem}").ConfigureAwait(false);
                }

                return BadArguments;
            }

            var registration = new ModelRegistration
            {
                Component = componentName,
                ComponentVersion = parse.GetValue(version) ?? Greengrass.ComponentArns.FromArtifactsPath(parse.GetValue(artifactsPath))?.Version,
                ModelName = modelName,
                Package = packagePath,
                RegistrationId = Guid.NewGuid().ToString("N"),
                RegisteredAt = time.GetUtcNow(),
            };
            var store = new ModelRepository(parse.GetValue(repository)!);
            store.Write(registration);
            await output.WriteLineAsync($"Registered {componentName} {registration.ComponentVersion ?? string.Empty} as model '{modelName}' in {store.Folder}.").ConfigureAwait(false);
            var seconds = parse.GetValue(wait);
            if (seconds == 0)
            {
                return Loaded;
            }

            var answer = await WaitForAnswerAsync(store, registration, TimeSpan.FromSeconds(seconds), time, cancellationToken).ConfigureAwait(false);
            switch (answer?.Status)
            {
                case RegistrationStatus.Loaded:
                    await output.WriteLineAsync($"The worker serves model '{modelName}' (sha256 {answer.Sha256}).").ConfigureAwait(false);
                    return Loaded;
                case RegistrationStatus.Failed:
                    await error.WriteLineAsync($"models register: the worker cannot serve model '{modelName}' of {componentName}: {answer.StatusMessage}").ConfigureAwait(false);
                    return Failed;
                default:
                    await error.WriteLineAsync($"models register: the worker did not answer within {seconds} s: is the runtime component (com.example.EdgeInference) running and serving the repository {store.Folder}?").ConfigureAwait(false);
                    return NoAnswer;
            }
        });
        return command;
    }

    private static Command CreateUnregister()
    {
        var repository = RepositoryOption();
        var component = ComponentOption();
        var command = new Command("unregister", "Tell the worker to stop serving a component's model.") { repository, component };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var componentName = parse.GetValue(component)!;
            if (!ModelNames.IsValid(componentName))
            {
                await parse.InvocationConfiguration.Error.WriteLineAsync($"models unregister: --component '{componentName}' is not a component name ({ModelNames.Rule}).").ConfigureAwait(false);
                return BadArguments;
            }

            var removed = new ModelRepository(parse.GetValue(repository)!).Remove(componentName);
            await parse.InvocationConfiguration.Output.WriteLineAsync(removed ? $"Unregistered {componentName}." : $"{componentName} was not registered.").ConfigureAwait(false);
            return 0;
        });
        return command;
    }

    private static Command CreateList()
    {
        var repository = RepositoryOption();
        var command = new Command("list", "Print the registrations and the worker's answers as JSON lines.") { repository };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var store = new ModelRepository(parse.GetValue(repository)!);
            foreach (var entry in store.ReadAll())
            {
                var status = store.ReadStatus(entry.Component);
                var line = JsonSerializer.Serialize(
                    new ListedRegistration(entry.Component, entry.Registration?.ModelName, entry.Registration?.ComponentVersion, entry.Registration?.Package, status?.Status, status?.StatusMessage ?? entry.Problem),
                    RepositoryListJsonContext.Default.ListedRegistration);
                await parse.InvocationConfiguration.Output.WriteLineAsync(line).ConfigureAwait(false);
            }

            return 0;
        });
        return command;
    }

    /// <summary>Polls for the worker's answer to this very registration, bounded by <paramref name="timeout"/>.</summary>
    private static async Task<RegistrationStatus?> WaitForAnswerAsync(ModelRepository store, ModelRegistration registration, TimeSpan timeout, TimeProvider time, CancellationToken cancellationToken)
    {
        var interval = TimeSpan.FromMilliseconds(200);
        var polls = (int)Math.Ceiling(timeout / interval);
        for (var i = 0; i <= polls; i++)
        {
            if (store.ReadStatus(registration.Component) is { } status && status.RegistrationId == registration.RegistrationId)
            {
                return status;
            }

            if (i < polls)
            {
                await Task.Delay(interval, time, cancellationToken).ConfigureAwait(false);
            }
        }

        return null;
    }
}

internal sealed record ListedRegistration(string Component, string? ModelName, string? ComponentVersion, string? Package, string? Status, string? StatusMessage);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
[System.Text.Json.Serialization.JsonSerializable(typeof(ListedRegistration))]
internal sealed partial class RepositoryListJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
