using System.CommandLine;
using System.Text.Json;
using EdgeInference.Cli.Commands.Packaging;
using EdgeInference.LookoutVision;
using EdgeInference.LookoutVision.Datasets;
using EdgeInference.LookoutVision.Shapes;
using EdgeInference.Packaging;

namespace EdgeInference.Cli.Commands.LookoutVision;

/// <summary>create-, describe-, delete-dataset and list-dataset-entries.</summary>
internal static class DatasetCommands
{
    public static IEnumerable<Command> Create(PackagingDependencies dependencies) => [CreateDataset(dependencies), Describe(dependencies), ListEntries(dependencies), Delete(dependencies)];

    private static Option<string> DatasetType() => CommandSupport.RequiredString("--dataset-type", "train or test.");

    private static Command CreateDataset(PackagingDependencies dependencies)
    {
        var support = new LookoutCommandSupport();
        var project = CommandSupport.RequiredString("--project-name", "The project.");
        var type = DatasetType();
        var manifest = new Option<string?>("--manifest") { Description = "A SageMaker Ground Truth manifest (JSON lines: source-ref, anomaly-label, optional anomaly-mask-ref)." };
        var imageRoot = new Option<string?>("--image-root") { Description = "Where the manifest's relative source-refs are (default: the manifest's folder)." };
        var folder = new Option<string?>("--folder") { Description = "A folder with normal/ and anomaly/ subfolders of images (the console's import)." };
        var source = new Option<string?>("--dataset-source") { Description = "Lookout's DatasetSource as JSON text or file://PATH: {\"GroundTruthManifest\": {\"S3Object\": {\"Bucket\": ..., \"Key\": ...}}}." };
        var command = new Command("create-dataset", "Import a train or test dataset (every line, image and mask is checked before anything is kept); prints {\"DatasetMetadata\": ...}.")
        {
            project, type, manifest, imageRoot, folder, source,
        };
        support.AddTo(command, withS3: true);
        command.SetAction((parseResult, cancellationToken) => CommandSupport.RunAsync(parseResult, "CreateDataset", async () =>
        {
            using var service = support.Open(parseResult, dependencies);
            var input = new DatasetInput
            {
                ManifestPath = parseResult.GetValue(manifest),
                ImageRoot = parseResult.GetValue(imageRoot),
                Folder = parseResult.GetValue(folder),
                S3Manifest = ParseSource(parseResult.GetValue(source)),
            };
            var metadata = await service.CreateDatasetAsync(parseResult.GetValue(project)!, parseResult.GetValue(type), input, cancellationToken).ConfigureAwait(false);
            support.Print(parseResult, new CreateDatasetResponse(metadata), LookoutVisionJsonContext.Default.CreateDatasetResponse, "CreateDataset");
            return 0;
        }));
        return command;
    }

    private static S3ObjectLocation? ParseSource(string? text)
    {
        if (text is null)
        {
            return null;
        }

        var json = text.StartsWith("file://", StringComparison.Ordinal) ? File.ReadAllText(text[7..]) : text;
        try
        {
            return JsonSerializer.Deserialize(json, LookoutVisionJsonContext.Default.DatasetSourceShape)?.GroundTruthManifest?.S3Object
                ?? throw new PackagingValidationException("--dataset-source needs GroundTruthManifest.S3Object.");
        }
        catch (JsonException ex)
        {
            throw new PackagingValidationException($"--dataset-source is not valid JSON: {ex.Message}", ex);
        }
    }

    private static Command Describe(PackagingDependencies dependencies)
    {
        var support = new LookoutCommandSupport();
        var project = CommandSupport.RequiredString("--project-name", "The project.");
        var type = DatasetType();
        var command = new Command("describe-dataset", "Print {\"DatasetDescription\": ...} with ImageStats.") { project, type };
        support.AddTo(command);
        command.SetAction((parseResult, _) => CommandSupport.RunAsync(parseResult, "DescribeDataset", () =>
        {
            using var service = support.Open(parseResult, dependencies);
            support.Print(parseResult, new DescribeDatasetResponse(service.DescribeDataset(parseResult.GetValue(project)!, parseResult.GetValue(type))),
                LookoutVisionJsonContext.Default.DescribeDatasetResponse, "DescribeDataset");
            return Task.FromResult(0);
        }));
        return command;
    }

    private static Command ListEntries(PackagingDependencies dependencies)
    {
        var support = new LookoutCommandSupport();
        var paging = new PagingOptions();
        var project = CommandSupport.RequiredString("--project-name", "The project.");
        var type = DatasetType();
        var labeled = new Option<bool?>("--labeled") { Description = "true: labelled images only; false: unlabelled only." };
        var anomalyClass = new Option<string?>("--anomaly-class") { Description = "normal or anomaly (or a class name)." };
        var contains = new Option<string?>("--source-ref-contains") { Description = "Only entries whose source-ref contains this text." };
        var command = new Command("list-dataset-entries", "Print {\"DatasetEntries\": [JSON line, ...]} (the manifest lines as imported).") { project, type, labeled, anomalyClass, contains };
        support.AddTo(command);
        paging.AddTo(command);
        command.SetAction((parseResult, _) => CommandSupport.RunAsync(parseResult, "ListDatasetEntries", () =>
        {
            using var service = support.Open(parseResult, dependencies);
            var filter = new DatasetEntryFilter { Labeled = parseResult.GetValue(labeled), AnomalyClass = parseResult.GetValue(anomalyClass), SourceRefContains = parseResult.GetValue(contains) };
            var page = service.ListDatasetEntries(parseResult.GetValue(project)!, parseResult.GetValue(type), filter, paging.MaxResults(parseResult), paging.NextToken(parseResult));
            support.Print(parseResult, page, LookoutVisionJsonContext.Default.ListDatasetEntriesResponse, "ListDatasetEntries");
            return Task.FromResult(0);
        }));
        return command;
    }

    private static Command Delete(PackagingDependencies dependencies)
    {
        var support = new LookoutCommandSupport();
        var project = CommandSupport.RequiredString("--project-name", "The project.");
        var type = DatasetType();
        var command = new Command("delete-dataset", "Delete a dataset and its copied images.") { project, type };
        support.AddTo(command);
        command.SetAction((parseResult, cancellationToken) => CommandSupport.RunAsync(parseResult, "DeleteDataset", async () =>
        {
            using var service = support.Open(parseResult, dependencies);
            await service.DeleteDatasetAsync(parseResult.GetValue(project)!, parseResult.GetValue(type), cancellationToken).ConfigureAwait(false);
            support.PrintEmpty(parseResult, "DeleteDataset");
            return 0;
        }));
        return command;
    }
}
