using System.CommandLine;
using EdgeInference.Cli.Commands.Packaging;
using EdgeInference.LookoutVision;
using EdgeInference.LookoutVision.Shapes;
using EdgeInference.Packaging;

namespace EdgeInference.Cli.Commands.LookoutVision;

/// <summary>describe-, delete-, start- and stop-model, and detect-anomalies.</summary>
internal static class ModelLifecycleCommands
{
    public static IEnumerable<Command> Create(PackagingDependencies dependencies)
    {
        yield return Command("describe-model", "Print {\"ModelDescription\": ...}: Status (TRAINING, TRAINED, TRAINING_FAILED, HOSTED), Performance, evaluation files.", "DescribeModel", dependencies,
            (service, project, version, support, parseResult, _) =>
            {
                support.Print(parseResult, new DescribeModelResponse(service.DescribeModel(project, version)), LookoutVisionJsonContext.Default.DescribeModelResponse, "DescribeModel");
                return Task.CompletedTask;
            });
        yield return Command("delete-model", "Delete a model version (not while it trains or is hosted); prints {\"ModelArn\": ...}.", "DeleteModel", dependencies,
            async (service, project, version, support, parseResult, token) =>
                support.Print(parseResult, new DeleteModelResponse(await service.DeleteModelAsync(project, version, token).ConfigureAwait(false)), LookoutVisionJsonContext.Default.DeleteModelResponse, "DeleteModel"));
        yield return Command("start-model", "Record a TRAINED model as HOSTED (every TRAINED model serves detect-anomalies here); prints {\"Status\": \"STARTING_HOSTING\"}.", "StartModel", dependencies,
            (service, project, version, support, parseResult, _) =>
            {
                support.Print(parseResult, new ModelHostingStatusResponse(service.StartModel(project, version)), LookoutVisionJsonContext.Default.ModelHostingStatusResponse, "StartModel");
                return Task.CompletedTask;
            });
        yield return Command("stop-model", "Record a HOSTED model as TRAINED again; prints {\"Status\": \"STOPPING_HOSTING\"}.", "StopModel", dependencies,
            (service, project, version, support, parseResult, _) =>
            {
                support.Print(parseResult, new ModelHostingStatusResponse(service.StopModel(project, version)), LookoutVisionJsonContext.Default.ModelHostingStatusResponse, "StopModel");
                return Task.CompletedTask;
            });
        yield return Detect(dependencies);
    }

    private static Command Detect(PackagingDependencies dependencies)
    {
        var support = new LookoutCommandSupport();
        var project = CommandSupport.RequiredString("--project-name", "The project.");
        var version = CommandSupport.RequiredString("--model-version", "The model version.");
        var body = CommandSupport.RequiredString("--body", "The image file (PNG or JPEG).");
        var contentType = new Option<string?>("--content-type") { Description = "image/png or image/jpeg (checked when given)." };
        var command = new Command("detect-anomalies", "Run one image through a TRAINED model with the worker's engine; prints {\"DetectAnomalyResult\": ...} as Lookout for Vision shaped it.")
        {
            project, version, body, contentType,
        };
        support.AddTo(command);
        command.SetAction((parseResult, cancellationToken) => CommandSupport.RunAsync(parseResult, "DetectAnomalies", async () =>
        {
            var path = parseResult.GetValue(body)!;
            if (!File.Exists(path))
            {
                throw new PackagingValidationException($"--body {Path.GetFullPath(path)} does not exist.");
            }

            var image = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
            using var service = support.Open(parseResult, dependencies);
            var result = service.DetectAnomalies(parseResult.GetValue(project)!, parseResult.GetValue(version)!, image, parseResult.GetValue(contentType), cancellationToken);
            support.Print(parseResult, new DetectAnomaliesResponse(result), LookoutVisionJsonContext.Default.DetectAnomaliesResponse, "DetectAnomalies");
            return 0;
        }));
        return command;
    }

    private static Command Command(string name, string description, string operation, PackagingDependencies dependencies,
        Func<LookoutVisionService, string, string, LookoutCommandSupport, ParseResult, CancellationToken, Task> body)
    {
        var support = new LookoutCommandSupport();
        var project = CommandSupport.RequiredString("--project-name", "The project.");
        var version = CommandSupport.RequiredString("--model-version", "The model version.");
        var command = new Command(name, description) { project, version };
        support.AddTo(command);
        command.SetAction((parseResult, cancellationToken) => CommandSupport.RunAsync(parseResult, operation, async () =>
        {
            using var service = support.Open(parseResult, dependencies);
            await body(service, parseResult.GetValue(project)!, parseResult.GetValue(version)!, support, parseResult, cancellationToken).ConfigureAwait(false);
            return 0;
        }));
        return command;
    }
}
