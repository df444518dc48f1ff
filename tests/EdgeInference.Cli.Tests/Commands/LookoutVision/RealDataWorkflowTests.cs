using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeInference.Packaging;
using EdgeInference.Testing;
using EdgeInference.Testing.Anomaly;
using EdgeInference.Testing.Packaging;
using Xunit;

namespace EdgeInference.Cli.Tests.Commands.LookoutVision;

/// <summary>
/// The whole Lookout for Vision workflow on real photos (shared/data/aliens), command by command, ending in the model
/// component the worker serves with no special case: its verdict on an image is the one detect-anomalies gave.
/// </summary>
[Collection(ProcessTests.Collection)]
public sealed class RealDataWorkflowTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly WorkflowCli _cli;

    public RealDataWorkflowTests()
    {
        _cli = new WorkflowCli(_temp.Combine("store"), new PackagingDependencies { PublisherFactory = (_, _) => new FakePublisher() });
    }

    public void Dispose() => _temp.Dispose();

    private async Task<JsonNode> OkAsync(params string[] args)
    {
        var result = await _cli.RunAsync(args);
        Assert.True(result.ExitCode == 0, $"{args[0]} exited {result.ExitCode}: {result.Stderr}");
        return result.Json;
    }

    [Fact]
    public async Task Workflow_AliensPhotos_FromCreateProjectToAComponentTheWorkerServes()
    {
        var aliens = RealDatasets.RequireAliens();

        await OkAsync("create-project", "--project-name", "aliens");
        var dataset = await OkAsync("create-dataset", "--project-name", "aliens", "--dataset-type", "train", "--folder", aliens);
        Assert.Equal("CREATE_COMPLETE", dataset["DatasetMetadata"]!["Status"]!.GetValue<string>());

        var training = await _cli.RunAsync("create-model", "--project-name", "aliens", "--description", "aliens on real photos");
        Assert.True(training.ExitCode == 0, training.Stderr);
        Assert.Contains("create-model: feature extraction", training.Stderr, StringComparison.Ordinal);
        Assert.Contains("create-model: memory bank", training.Stderr, StringComparison.Ordinal);
        Assert.Contains("create-model: evaluation", training.Stderr, StringComparison.Ordinal);

        var description = (await OkAsync("describe-model", "--project-name", "aliens", "--model-version", "1"))["ModelDescription"]!;
        Assert.Equal("TRAINED", description["Status"]!.GetValue<string>());
        var result = JsonNode.Parse(await File.ReadAllTextAsync(description["EvaluationResult"]!["Key"]!.GetValue<string>(), TestContext.Current.CancellationToken))!;
        Assert.True(result["ImageLevel"]!["Auroc"]!.GetValue<double>() >= 0.95, result.ToJsonString());
        Assert.True(description["Performance"]!["F1Score"]!.GetValue<double>() >= 0.85, description.ToJsonString());

        var anomalous = Path.Combine(aliens, "anomaly", "1.png");
        var normal = Path.Combine(aliens, "normal", "1.png");
        var detectAnomalous = (await OkAsync("detect-anomalies", "--project-name", "aliens", "--model-version", "1", "--body", anomalous))["DetectAnomalyResult"]!;
        var detectNormal = (await OkAsync("detect-anomalies", "--project-name", "aliens", "--model-version", "1", "--body", normal))["DetectAnomalyResult"]!;
        Assert.True(detectAnomalous["IsAnomalous"]!.GetValue<bool>());

        await OkAsync("start-model-packaging-job", "--project-name", "aliens", "--model-version", "1", "--job-name", "aliens-1",
            "--configuration", SmallPackages.Configuration(componentName: "com.example.AliensAnomaly"));
        var job = await OkAsync("describe-model-packaging-job", "--project-name", "aliens", "--job-name", "aliens-1");
        Assert.Equal("SUCCEEDED", job["ModelPackagingDescription"]!["Status"]!.GetValue<string>());
        var artifact = Directory.GetFiles(Path.Combine(_temp.Combine("store"), "projects", "aliens", "jobs", "aliens-1", "greengrass-build", "artifacts", "com.example.AliensAnomaly", "1.0.0"), "*.zip").Single();

        var (worker, port) = await WorkerProcess.StartRunningAsync(artifact, TestContext.Current.CancellationToken);
        await using (worker)
        {
            foreach (var (image, detected) in new[] { (anomalous, detectAnomalous), (normal, detectNormal) })
            {
                var served = await _cli.RunAsync("infer", "--image", image, "--port", $"{port}");
                Assert.True(served.ExitCode == 0, served.Stderr + served.Stdout);
                var reply = JsonDocument.Parse(served.Stdout).RootElement.GetProperty("DetectAnomalyResult");
                Assert.Equal(detected["IsAnomalous"]!.GetValue<bool>(), reply.GetProperty("IsAnomalous").GetBoolean());
                Assert.Equal(detected["Confidence"]!.GetValue<float>(), reply.GetProperty("Confidence").GetSingle(), 3);
                Assert.Equal(0.5f, reply.GetProperty("AnomalyThreshold").GetSingle());
            }
        }
    }
}
