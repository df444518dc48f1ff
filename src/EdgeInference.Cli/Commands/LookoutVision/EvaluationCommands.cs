using System.CommandLine;
using System.Text.Json;
using EdgeInference.Anomaly.Synthetic;
using EdgeInference.Anomaly.Training;
using EdgeInference.Cli.Commands.Packaging;
using EdgeInference.LookoutVision;
using EdgeInference.LookoutVision.Datasets;
using EdgeInference.LookoutVision.Evaluation;
using EdgeInference.Packaging;

namespace EdgeInference.Cli.Commands.LookoutVision;

/// <summary><c>evaluate</c> (any anomaly package on your labelled images), <c>anomaly-bench</c> and <c>make-synthetic-dataset</c>.</summary>
internal static class EvaluationCommands
{
    public static IEnumerable<Command> Create(PackagingDependencies dependencies) => [Evaluate(dependencies), Bench(dependencies), Synthetic()];

    private static Command Evaluate(PackagingDependencies dependencies)
    {
        var support = new LookoutCommandSupport();
        var package = new Option<string?>("--model") { Description = "An anomaly model package (folder or .zip)." };
        var project = new Option<string?>("--project-name") { Description = "Or a project's model (with --model-version), and/or the project's dataset to evaluate on." };
        var version = new Option<string?>("--model-version") { Description = "The project's model version." };
        var datasetType = new Option<string?>("--dataset-type") { Description = "The project's dataset to evaluate on when no other source is given (default test)." };
        var manifest = new Option<string?>("--manifest") { Description = "A Ground Truth manifest of labelled images (masks give pixel AUROC)." };
        var imageRoot = new Option<string?>("--image-root") { Description = "Where the manifest's relative source-refs are (default: its folder)." };
        var folder = new Option<string?>("--folder") { Description = "A folder with normal/ and anomaly/ subfolders." };
        var speed = new Option<int>("--speed-rounds") { Description = "Also time the model against the plain ResNet18 embedding, side by side, over this many rounds (0: skip).", DefaultValueFactory = _ => 0 };
        var command = new Command("evaluate", "Measure an anomaly model on labelled images: image AUROC, F1/precision/recall at its threshold, pixel AUROC where masks exist.")
        {
            package, project, version, datasetType, manifest, imageRoot, folder, speed,
        };
        support.AddTo(command, withS3: true);
        command.SetAction((parseResult, cancellationToken) => CommandSupport.RunAsync(parseResult, "Evaluate", async () =>
        {
            using var service = support.Open(parseResult, dependencies);
            var hasSource = parseResult.GetValue(manifest) is not null || parseResult.GetValue(folder) is not null;
            var request = new EvaluateRequest
            {
                PackagePath = parseResult.GetValue(package),
                ProjectName = parseResult.GetValue(project),
                ModelVersion = parseResult.GetValue(version),
                DatasetType = parseResult.GetValue(datasetType),
                Dataset = hasSource ? new DatasetInput { ManifestPath = parseResult.GetValue(manifest), ImageRoot = parseResult.GetValue(imageRoot), Folder = parseResult.GetValue(folder) } : null,
                SpeedRounds = parseResult.GetValue(speed),
            };
            if (request.PackagePath is null && (request.ProjectName is null || request.ModelVersion is null))
            {
                throw new PackagingValidationException("evaluate needs --model PACKAGE, or --project-name with --model-version.");
            }

            var response = await service.EvaluateAsync(request, cancellationToken).ConfigureAwait(false);
            support.Print(parseResult, response, LookoutVisionJsonContext.Default.EvaluateResponse, "Evaluate");
            return 0;
        }));
        return command;
    }

    private static Command Bench(PackagingDependencies dependencies)
    {
        var folders = new Option<string[]>("--folder") { Description = "A dataset folder (normal/ and anomaly/); repeat for several.", AllowMultipleArgumentsPerToken = true };
        var manifests = new Option<string[]>("--manifest") { Description = "A Ground Truth manifest (masks give pixel AUROC); repeat for several.", AllowMultipleArgumentsPerToken = true };
        var methods = new Option<string>("--methods") { Description = "Comma-separated methods to compare.", DefaultValueFactory = _ => "patchcore,padim" };
        var rounds = new Option<int>("--speed-rounds") { Description = "Rounds of the side-by-side timing against the plain ResNet18 embedding.", DefaultValueFactory = _ => 3 };
        var json = new Option<bool>("--json") { Description = "Print the rows as JSON instead of a table." };
        var command = new Command("anomaly-bench", "Train and measure each method on each dataset in one run (training time, test-split quality, per-image cost vs ResNet18): the figures of BENCHMARKS.md.")
        {
            folders, manifests, methods, rounds, json,
        };
        command.SetAction((parseResult, cancellationToken) => CommandSupport.RunAsync(parseResult, "AnomalyBench", async () =>
        {
            var chosen = new List<AnomalyMethod>();
            foreach (var name in parseResult.GetValue(methods)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                chosen.Add(AnomalyMethodNames.TryParse(name, out var method) ? method : throw new PackagingValidationException($"--methods: unknown method '{name}' (patchcore, padim)."));
            }

            var datasets = (parseResult.GetValue(folders) ?? []).Select(f => (Path.GetFileName(Path.GetFullPath(f).TrimEnd('/')), new DatasetInput { Folder = f }))
                .Concat((parseResult.GetValue(manifests) ?? []).Select(m => (Path.GetFileName(Path.GetDirectoryName(Path.GetFullPath(m)))!, new DatasetInput { ManifestPath = m })))
                .ToList();
            if (datasets.Count == 0)
            {
                throw new PackagingValidationException("anomaly-bench needs --folder or --manifest.");
            }

            var rows = await AnomalyBenchmark.RunAsync(datasets, chosen, parseResult.GetValue(rounds), LookoutCommandSupport.Dependencies(dependencies, null),
                parseResult.InvocationConfiguration.Error, cancellationToken).ConfigureAwait(false);
            var output = parseResult.InvocationConfiguration.Output;
            await output.WriteLineAsync(parseResult.GetValue(json)
                ? JsonSerializer.Serialize(rows.ToList(), LookoutVisionJsonContext.Default.ListAnomalyBenchRow)
                : AnomalyBenchmark.Table(rows)).ConfigureAwait(false);
            return 0;
        }));
        return command;
    }

    private static Command Synthetic()
    {
        var output = CommandSupport.RequiredString("--output-dir", "Where to write normal/, anomaly/, masks/ and manifest.jsonl.");
        var normal = new Option<int>("--normal") { Description = "Normal images.", DefaultValueFactory = _ => 60 };
        var anomalous = new Option<int>("--anomalous") { Description = "Anomalous images (scratches, cracks, missing pieces in turn).", DefaultValueFactory = _ => 30 };
        var placement = new Option<float>("--placement") { Description = "How loosely parts are placed: 1 = fixture-aligned (±3 %, ±4°); 6 = loose (±18 %, ±24°).", DefaultValueFactory = _ => 1f };
        var seed = new Option<int>("--seed") { Description = "Seed (same seed, same images).", DefaultValueFactory = _ => 7 };
        var command = new Command("make-synthetic-dataset", "Write a labelled synthetic dataset (a machined part on a textured surface with drawn defects and exact masks) to try the workflow.")
        {
            output, normal, anomalous, placement, seed,
        };
        command.SetAction((parseResult, _) => CommandSupport.RunAsync(parseResult, "MakeSyntheticDataset", async () =>
        {
            var path = SyntheticDataset.Write(parseResult.GetValue(output)!, parseResult.GetValue(normal), parseResult.GetValue(anomalous), parseResult.GetValue(seed), placement: parseResult.GetValue(placement));
            await parseResult.InvocationConfiguration.Output.WriteLineAsync(path).ConfigureAwait(false);
            return 0;
        }));
        return command;
    }
}
