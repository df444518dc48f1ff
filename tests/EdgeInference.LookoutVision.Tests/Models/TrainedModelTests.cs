using System.Text.Json;
using EdgeInference.LookoutVision.Datasets;
using EdgeInference.LookoutVision.Evaluation;
using EdgeInference.LookoutVision.Models;
using EdgeInference.LookoutVision.Shapes;
using EdgeInference.LookoutVision.Store;
using EdgeInference.Packaging;
using EdgeInference.Packaging.Jobs;
using EdgeInference.Testing.Anomaly;
using EdgeInference.Testing.Packaging;
using Xunit;

namespace EdgeInference.LookoutVision.Tests.Models;

/// <summary>One model trained (once, for the class) on a tiny synthetic set with masks, then used as Lookout's workflow uses it.</summary>
public sealed class TrainedModelFixture : IAsyncLifetime
{
    internal ServiceKit Kit { get; } = new();

    public string Manifest { get; private set; } = null!;

    public TrainingRecord Record { get; private set; } = null!;

    public List<string> Progress { get; } = [];

    public async ValueTask InitializeAsync()
    {
        Manifest = SmallSyntheticSets.Write(Kit.Combine("parts"));
        await Kit.Service.CreateProjectAsync("parts", CancellationToken.None);
        await Kit.Service.CreateDatasetAsync("parts", "train", new DatasetInput { ManifestPath = Manifest }, CancellationToken.None);
        using var training = await Kit.Service.CreateModelAsync("parts", new CreateModelRequest { Description = "tiny parts" }, CancellationToken.None);
        var writer = new StringWriter();
        Record = await training.RunAsync(new TrainingProgressWriter(writer, string.Empty), CancellationToken.None);
        Progress.AddRange(writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    public ValueTask DisposeAsync()
    {
        Kit.Dispose();
        return ValueTask.CompletedTask;
    }
}

public sealed class TrainedModelTests(TrainedModelFixture fixture) : IClassFixture<TrainedModelFixture>
{
    private LookoutVisionService Service => fixture.Kit.Service;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public void CreateModel_TinySyntheticParts_TrainedWithPerformanceAndEvaluationFilesBesideTheModel()
    {
        var description = Service.DescribeModel("parts", "1");

        Assert.True(description.Status == ModelStatus.Trained, description.StatusMessage);
        Assert.Equal("tiny parts", description.Description);
        Assert.NotNull(description.Performance?.F1Score);
        Assert.InRange(description.Performance!.Recall!.Value, 0.5f, 1f);
        Assert.Contains("pixel AUROC", description.StatusMessage, StringComparison.Ordinal);
        var result = JsonSerializer.Deserialize(File.ReadAllBytes(description.EvaluationResult!.Key!), LookoutVisionJsonContext.Default.EvaluationResultFile)!;
        Assert.True(result.ImageLevel.Auroc >= 0.9, $"image AUROC {result.ImageLevel.Auroc}");
        Assert.True(result.PixelLevel!.Auroc >= 0.8, $"pixel AUROC {result.PixelLevel.Auroc}");
        Assert.True(result.Split.TestHeldOut);
        Assert.Equal(result.Split.TestImages, File.ReadAllLines(description.EvaluationManifest!.Key!).Length);
        Assert.Contains("anomaly-label-detected", File.ReadAllLines(description.EvaluationManifest.Key!)[0], StringComparison.Ordinal);
        Assert.Contains(fixture.Progress, line => line.StartsWith("feature extraction", StringComparison.Ordinal));
        Assert.Contains(fixture.Progress, line => line.StartsWith("memory bank", StringComparison.Ordinal));
        Assert.Contains(fixture.Progress, line => line.StartsWith("evaluation", StringComparison.Ordinal));
    }

    [Fact]
    public void DetectAnomalies_AnomalousAndNormalImages_LookoutShapedVerdicts()
    {
        var folder = Path.GetDirectoryName(fixture.Manifest)!;

        var anomalous = Service.DetectAnomalies("parts", "1", File.ReadAllBytes(Path.Combine(folder, "anomaly", "002.png")), "image/png", Token);
        var normal = Service.DetectAnomalies("parts", "1", File.ReadAllBytes(Path.Combine(folder, "normal", "003.png")), "image/png", Token);

        Assert.Equal("direct", anomalous.Source.Type);
        Assert.True(anomalous.IsAnomalous);
        Assert.False(normal.IsAnomalous);
        Assert.InRange(anomalous.Confidence, 0.5f, 1f);
        Assert.Equal(["background", "anomaly"], anomalous.Anomalies!.Select(a => a.Name));
        Assert.True(anomalous.Anomalies![1].PixelAnomaly!.TotalPercentageArea > 0);
        Assert.Equal(0f, normal.Anomalies![1].PixelAnomaly!.TotalPercentageArea);
        Assert.StartsWith("iVBORw0KGgo", anomalous.AnomalyMask, StringComparison.Ordinal);
    }

    [Fact]
    public void DetectAnomalies_WrongContentTypeOrNotAnImage_Validation()
    {
        Assert.Throws<PackagingValidationException>(() => Service.DetectAnomalies("parts", "1", new byte[] { 1, 2 }, "text/plain", Token));
        var error = Assert.Throws<PackagingValidationException>(() => Service.DetectAnomalies("parts", "1", "not an image"u8.ToArray(), "image/png", Token));
        Assert.StartsWith("The image cannot be used", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartModelPackagingJob_TrainedModel_AcceptedAndBuildsTheComponent()
    {
        var packaging = new PackagingService(Service.Store.Packaging, TimeProvider.System);
        var request = new StartModelPackagingJobRequest
        {
            ProjectName = "parts",
            ModelVersion = "1",
            JobName = "parts-job",
            Configuration = ConfigurationParser.Parse(SmallPackages.Configuration(componentName: "com.example.Parts")),
        };

        var start = await packaging.StartJobAsync(request, new EdgeInference.Packaging.Store.JobRunSettings(), Token);
        var finished = await new PackagingJobRunner(Service.Store.Packaging, TimeProvider.System, (_, _) => new FakePublisher()).RunAsync("parts", start.Job.Description.JobName!, Token);

        Assert.Equal(EdgeInference.Core.Packaging.ModelPackagingJobStatus.SUCCEEDED, finished.Description.Status);
        var artifacts = Path.Combine(Service.Store.Packaging.JobBuildDirectory("parts", "parts-job"), "artifacts", "com.example.Parts", "1.0.0");
        Assert.Single(Directory.GetFiles(artifacts, "*.zip"));
    }

    [Fact]
    public async Task Evaluate_TrainedPackageOnTheSyntheticManifest_ImageAndPixelAurocAndSpeedSideBySide()
    {
        var response = await Service.EvaluateAsync(new EvaluateRequest
        {
            ProjectName = "parts",
            ModelVersion = "1",
            Dataset = new DatasetInput { ManifestPath = fixture.Manifest },
            SpeedRounds = 1,
        }, Token);

        Assert.Equal(31, response.Evaluation.Images);
        Assert.Equal(9, response.Evaluation.ImagesWithMasks);
        Assert.True(response.Evaluation.ImageAuroc >= 0.9, $"AUROC {response.Evaluation.ImageAuroc}");
        Assert.NotNull(response.Evaluation.PixelAuroc);
        Assert.True(response.Speed!.ModelInferenceMs > 0 && response.Speed.EmbeddingInferenceMs > 0);
    }

    [Fact]
    public void ListModels_And_StartStopModel_RecordHosting()
    {
        Assert.Equal(ModelStatus.StartingHosting, Service.StartModel("parts", "1"));
        Assert.Equal(ModelStatus.Hosted, Service.DescribeModel("parts", "1").Status);
        Assert.Equal(ModelStatus.Hosted, Service.ListModels("parts").Models.Single().Status);
        Assert.Equal(ModelStatus.StoppingHosting, Service.StopModel("parts", "1"));
        Assert.Equal(ModelStatus.Trained, Service.DescribeModel("parts", "1").Status);
        Assert.NotNull(Service.ListModels("parts").Models.Single().ModelSha256);
    }
}
