using EdgeInference.Core.Inference;
using EdgeInference.Onnx.Packages;
using EdgeInference.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace EdgeInference.Onnx.Tests;

/// <summary>Batches: a manifest that allows them, the batch dimension made dynamic, one run answering each image as alone.</summary>
public sealed class OnnxInferenceEngineBatchTests
{
    private static OnnxInferenceEngine Load(string package, int maxBatch) =>
        OnnxInferenceEngine.Load(new ModelLoadOptions { PackagePath = package, Accelerator = Accelerator.Cpu, IntraOpThreads = 1, MaxBatchSize = maxBatch }, NullLogger.Instance);

    [Fact]
    public void InferBatch_ThreeColours_EachImageGetsItsOwnAnswer_AsWhenAlone()
    {
        var package = TestPackages.WithManifest(TestModels.ColorClassifier, m => m["MaxBatchSize"] = 4);
        using var engine = Load(package, maxBatch: 4);
        (byte, byte, byte)[] colours = [(250, 10, 10), (10, 250, 10), (10, 10, 250)];
        var images = colours.Select(c => engine.Prepare(TestImages.Solid(40, 30, c, ".png"))).ToArray();

        var outputs = engine.InferBatch(images);
        var alone = engine.Infer(TestImages.Solid(40, 30, colours[2], ".png"));

        Assert.Equal(4, engine.MaxBatchSize);
        Assert.Equal(["red", "green", "blue"], outputs.Select(o => o.Classifications![0].Label));
        Assert.All(outputs, o => Assert.Equal(3, o.Timings.BatchSize));
        Assert.Equal(alone.Classifications![0].Confidence, outputs[2].Classifications![0].Confidence, 4);
        Assert.Equal(1, alone.Timings.BatchSize);
        foreach (var image in images)
        {
            image.Dispose();
        }
    }

    [Fact]
    public void Load_GraphReducesOverTheBatch_RefusedNamingMaxBatchSizeAndTheOutput()
    {
        // The test anomaly model takes its image score as a max over the whole tensor: a batch would mix images.
        var package = TestPackages.WithManifest(TestModels.GreyAnomaly, m => m["MaxBatchSize"] = 2);

        var refused = Assert.Throws<ModelPackageException>(() => Load(package, maxBatch: 2));

        Assert.Contains("MaxBatchSize 2", refused.Message, StringComparison.Ordinal);
        Assert.Contains("anomaly_score", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_RunnerDoesNotBatch_ModelRunsOneAtATime()
    {
        var package = TestPackages.WithManifest(TestModels.ColorClassifier, m => m["MaxBatchSize"] = 4);

        using var single = Load(package, maxBatch: 1);
        using var auto = Load(package, maxBatch: 0);

        Assert.Equal(1, single.MaxBatchSize);
        // Auto batches on GPU providers only; this CPU build has none.
        Assert.Equal(1, auto.MaxBatchSize);
    }

    [Fact]
    public void Load_ModelFixedAtBatchTwo_RefusedNamingMaxBatchSize()
    {
        var fixedAtTwo = BatchDimension.MakeStatic(File.ReadAllBytes(Path.Combine(TestModels.ColorClassifier, "model.onnx")), 2);
        var package = TestPackages.WithFile(TestPackages.WithManifest(TestModels.ColorClassifier, m => m["MaxBatchSize"] = 4), "model.onnx", fixedAtTwo);

        var refused = Assert.Throws<ModelPackageException>(() => Load(package, maxBatch: 4));

        Assert.Contains("MaxBatchSize", refused.Message, StringComparison.Ordinal);
        Assert.Contains("fixed at 2", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MakeDynamic_ResNet18SampleFixedAtOne_BecomesSymbolic()
    {
        var model = File.ReadAllBytes(Path.Combine(TestModels.ResNet18Sample, "model.onnx"));

        var rewritten = BatchDimension.MakeDynamic(model);

        Assert.Equal(1, BatchDimension.FixedBatchOf(model));
        Assert.Null(BatchDimension.FixedBatchOf(rewritten));
        Assert.Same(rewritten, BatchDimension.MakeDynamic(rewritten));
    }

    [Fact]
    public void ValidateManifest_MaxBatchSizeOutOfRange_Refused()
    {
        var manifest = ModelPackage.Open(TestModels.ColorClassifier).Manifest with { MaxBatchSize = 0 };

        Assert.Contains(EdgeInference.Core.Packages.ManifestRules.Validate(manifest), e => e.StartsWith("MaxBatchSize", StringComparison.Ordinal));
    }
}
