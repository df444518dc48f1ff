using System.CommandLine;
using System.Text.Json;
using EdgeInference.Packaging;
using EdgeInference.Packaging.Jobs;
using EdgeInference.Packaging.Store;

namespace EdgeInference.Cli.Commands.Packaging;

/// <summary><c>create-model</c> and <c>list-models</c>: the model registry (Lookout's CreateModel/ListModels over local packages).</summary>
internal static class ModelCommands
{
    public static Command CreateModel(PackagingDependencies dependencies)
    {
        var store = CommandSupport.StoreOption();
        var output = new OutputOptions();
        var project = CommandSupport.RequiredString("--project-name", "The project (created on first use).");
        var model = CommandSupport.RequiredString("--model", "A model package: a folder or .zip holding model.onnx and manifest.json, or a bare .onnx (with --manifest or a manifest.json beside it).");
        var manifest = new Option<string?>("--manifest") { Description = "The manifest.json to use instead of the package's own." };
        var description = new Option<string?>("--description") { Description = "A description of this model version." };
        var command = new Command(PackagingCommandNames.CreateModel, "Register a model package as the project's next model version (1, 2, …); prints its ModelMetadata.")
        {
            store, project, model, manifest, description,
        };
        output.AddTo(command);
        command.SetAction((parseResult, cancellationToken) => CommandSupport.RunAsync(parseResult, "CreateModel", async () =>
        {
            var service = new PackagingService(CommandSupport.OpenStore(parseResult, store), dependencies.TimeProvider);
            var record = await service.CreateModelAsync(
                parseResult.GetValue(project)!,
                parseResult.GetValue(model)!,
                parseResult.GetValue(manifest),
                parseResult.GetValue(description),
                cancellationToken).ConfigureAwait(false);
            var reply = JsonSerializer.SerializeToNode(new CreateModelResponse(ModelMetadata.From(record)), PackagingJsonContext.Default.CreateModelResponse);
            CommandSupport.Print(parseResult, reply, output.Read(parseResult), "CreateModel");
            return 0;
        }));
        return command;
    }

    public static Command ListModels(PackagingDependencies dependencies)
    {
        var store = CommandSupport.StoreOption();
        var output = new OutputOptions();
        var project = CommandSupport.RequiredString("--project-name", "The project.");
        var command = new Command(PackagingCommandNames.ListModels, "List a project's model versions.") { store, project };
        output.AddTo(command);
        command.SetAction((parseResult, cancellationToken) => CommandSupport.RunAsync(parseResult, "ListModels", () =>
        {
            var service = new PackagingService(CommandSupport.OpenStore(parseResult, store), dependencies.TimeProvider);
            var models = service.ListModels(parseResult.GetValue(project)!).Select(ModelMetadata.From).ToList();
            var reply = JsonSerializer.SerializeToNode(new ListModelsResponse(models), PackagingJsonContext.Default.ListModelsResponse);
            CommandSupport.Print(parseResult, reply, output.Read(parseResult), "ListModels");
            return Task.FromResult(0);
        }));
        return command;
    }
}
