using System.CommandLine;
using System.Text.Json;
using EdgeInference.Anomaly.Training;
using EdgeInference.Cli.Commands.LookoutVision;
using EdgeInference.LookoutVision;
using EdgeInference.LookoutVision.Models;
using EdgeInference.LookoutVision.Shapes;
using EdgeInference.Packaging;
using EdgeInference.Packaging.Jobs;
using EdgeInference.Packaging.Store;

namespace EdgeInference.Cli.Commands.Packaging;

/// <summary>
/// <c>create-model</c> (train from the project's datasets, or register a model package with <c>--model</c>) and
/// <c>list-models</c>: Lookout's CreateModel/ListModels.
/// </summary>
internal static class ModelCommands
{
    public static Command CreateModel(PackagingDependencies dependencies)
    {
        var support = new LookoutCommandSupport();
        var project = CommandSupport.RequiredString("--project-name", "The project (with --model: created on first use).");
        var model = new Option<string?>("--model") { Description = "Register this model package instead of training: a folder or .zip holding model.onnx and manifest.json, or a bare .onnx (with --manifest or a manifest.json beside it)." };
        var manifest = new Option<string?>("--manifest") { Description = "With --model: the manifest.json to use instead of the package's own." };
        var description = new Option<string?>("--description") { Description = "A description of this model version." };
        var method = new Option<string>("--method") { Description = "patchcore (default: memory bank, position-free) or padim (per-position Gaussians, for aligned parts).", DefaultValueFactory = _ => "patchcore" };
        var seed = new Option<int>("--seed") { Description = "Seeds the split, projection and coreset (same data + seed → same model).", DefaultValueFactory = _ => 42 };
        var command = new Command(PackagingCommandNames.CreateModel,
            "Train the project's next model version from its train (and test) datasets, showing progress on stderr, and print its ModelMetadata "
            + "(TRAINED with Performance, or TRAINING_FAILED with the reason); with --model, register a model package instead.")
        {
            project, model, manifest, description, method, seed,
        };
        support.AddTo(command);
        command.SetAction((parseResult, cancellationToken) => CommandSupport.RunAsync(parseResult, "CreateModel", async () =>
        {
            if (parseResult.GetValue(model) is { } packagePath)
            {
                var packaging = new PackagingService(CommandSupport.OpenStore(parseResult, support.Store), dependencies.TimeProvider);
                var record = await packaging.CreateModelAsync(parseResult.GetValue(project)!, packagePath, parseResult.GetValue(manifest), parseResult.GetValue(description), cancellationToken).ConfigureAwait(false);
                var reply = JsonSerializer.SerializeToNode(new CreateModelResponse(ModelMetadata.From(record)), PackagingJsonContext.Default.CreateModelResponse);
                CommandSupport.Print(parseResult, reply, support.Output.Read(parseResult), "CreateModel");
                return 0;
            }

            if (!AnomalyMethodNames.TryParse(parseResult.GetValue(method), out var anomalyMethod))
            {
                throw new PackagingValidationException($"--method must be patchcore or padim (got '{parseResult.GetValue(method)}').");
            }

            using var service = support.Open(parseResult, dependencies);
            var request = new CreateModelRequest
            {
                Description = parseResult.GetValue(description),
                Training = new TrainingOptions { Method = anomalyMethod, Seed = parseResult.GetValue(seed) },
            };
            using var training = await service.CreateModelAsync(parseResult.GetValue(project)!, request, cancellationToken).ConfigureAwait(false);
            var error = parseResult.InvocationConfiguration.Error;
            await error.WriteLineAsync($"create-model: training model {training.Metadata.ModelVersion} of project {parseResult.GetValue(project)}").ConfigureAwait(false);
            var finished = await training.RunAsync(new TrainingProgressWriter(error, "create-model: "), cancellationToken).ConfigureAwait(false);
            var metadata = new LookoutModelMetadata
            {
                CreationTimestamp = finished.Description.CreationTimestamp,
                ModelVersion = finished.Description.ModelVersion,
                ModelArn = finished.Description.ModelArn,
                Description = finished.Description.Description,
                Status = finished.Description.Status,
                StatusMessage = finished.Description.StatusMessage,
                Performance = finished.Description.Performance,
            };
            support.Print(parseResult, new LookoutCreateModelResponse(metadata), LookoutVisionJsonContext.Default.LookoutCreateModelResponse, "CreateModel");
            if (finished.Description.Status != ModelStatus.Trained)
            {
                await error.WriteLineAsync($"Model {metadata.ModelVersion} TRAINING_FAILED: {metadata.StatusMessage}").ConfigureAwait(false);
                return CommandSupport.JobFailedExitCode;
            }

            return 0;
        }));
        return command;
    }

    public static Command ListModels(PackagingDependencies dependencies)
    {
        var support = new LookoutCommandSupport();
        var paging = new PagingOptions();
        var project = CommandSupport.RequiredString("--project-name", "The project.");
        var command = new Command(PackagingCommandNames.ListModels, "List a project's model versions (trained, training, failed and registered packages).") { project };
        support.AddTo(command);
        paging.AddTo(command);
        command.SetAction((parseResult, cancellationToken) => CommandSupport.RunAsync(parseResult, "ListModels", () =>
        {
            using var service = support.Open(parseResult, dependencies);
            var page = service.ListModels(parseResult.GetValue(project)!, paging.MaxResults(parseResult), paging.NextToken(parseResult));
            support.Print(parseResult, page, LookoutVisionJsonContext.Default.LookoutListModelsResponse, "ListModels");
            return Task.FromResult(0);
        }));
        return command;
    }
}
