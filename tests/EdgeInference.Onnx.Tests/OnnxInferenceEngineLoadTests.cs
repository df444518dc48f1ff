using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using EdgeInference.Core.Inference;
using EdgeInference.Core.Packaging;
using EdgeInference.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Testing;
using Xunit;

namespace EdgeInference.Onnx.Tests;

/// <summary>Loading broken or mismatched packages, and serving from several threads at once.</summary>
public sealed class OnnxInferenceEngineLoadTests
{
    [Fact]
    public void Load_ManifestInputNameNotInModel_ThrowsModelPackageExceptionNamingTheMismatch()
    {
        var package = TestPackages.WithManifest(TestModels.ColorClassifier, m => m["Input"]!["Name"] = "pixels");

        var error = Assert.Throws<ModelPackageException>(() => Load(package));

        Assert.Contains("does not match its model", error.Message, StringComparison.Ordinal);
        Assert.Contains("Input 'pixels' is not an input of the model", error.Message, StringComparison.Ordinal);
        Assert.Contains("'image' Float [1,3,32,32]", error.Message, StringComparison.Ordinal);
        Assert.Contains(package, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ManifestSizeDiffersFromModel_ThrowsNamingShapeAndSize()
    {
        var package = TestPackages.WithManifest(TestModels.GreyAnomaly, m =>
        {
            m["Input"]!["Width"] = 128;
            m["Input"]!["Height"] = 96;
        });

        var error = Assert.Throws<ModelPackageException>(() => Load(package));

        Assert.Contains("Input 'image' is [1,3,64,64] but the manifest says 128×96", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_InputNameAndLabelsBothWrong_ReportsBothInOneMessage()
    {
        var package = TestPackages.WithManifest(TestModels.ColorClassifier, m =>
        {
            m["Input"]!["Name"] = "pixels";
            m["Labels"] = new JsonArray("red", "green", "blue", "white");
        });

        var error = Assert.Throws<ModelPackageException>(() => Load(package));

        Assert.Contains("Input 'pixels' is not an input", error.Message, StringComparison.Ordinal);
        Assert.Contains("has 3 classes but Labels has 4", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_LabelsCountDiffersFromClasses_ThrowsNamingBothCounts()
    {
        var package = TestPackages.WithManifest(TestModels.ColorClassifier, m => m["Labels"] = new JsonArray("red", "green"));

        var error = Assert.Throws<ModelPackageException>(() => Load(package));

        Assert.Contains("Output 'probabilities' has 3 classes but Labels has 2.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_InvalidManifest_ThrowsBeforeCreatingASession()
    {
        var package = TestPackages.WithManifest(TestModels.GreyAnomaly, m => m.Remove("AnomalyThreshold"));

        var error = Assert.Throws<ModelPackageException>(() => Load(package));

        Assert.Contains("is invalid", error.Message, StringComparison.Ordinal);
        Assert.Contains("AnomalyThreshold", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ModelFileIsNotOnnx_ThrowsModelPackageExceptionFromOrt()
    {
        var package = TestPackages.WithFile(TestModels.ColorClassifier, "model.onnx", "this is not a model"u8.ToArray());

        var error = Assert.Throws<ModelPackageException>(() => Load(package));

        Assert.Contains("ONNX Runtime cannot load the model", error.Message, StringComparison.Ordinal);
        Assert.Contains(package, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ManifestWithNullOutputs_ThrowsModelPackageException()
    {
        var package = TestPackages.WithManifest(TestModels.ColorClassifier, m => m["Outputs"] = null);

        var error = Assert.ThrowsAny<Exception>(() => Load(package));

        Assert.IsType<ModelPackageException>(error);
        Assert.Contains("Outputs", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ZipPackage_ServesLikeTheFolder()
    {
        var zip = TestPackages.Zip(TestModels.ColorClassifier, topFolder: "color-classifier");

        using var engine = Load(zip);
        var output = engine.Infer(TestImages.Solid(50, 50, (0, 255, 0), ".jpg"));

        Assert.Equal(zip, engine.Model.PackagePath);
        Assert.Equal("green", output.Classifications![0].Label);
    }

    [Fact]
    public void Load_PackagingDescriptionOverride_WinsOverTheManifest()
    {
        var description = new ModelPackagingDescription
        {
            ModelVersion = "42",
            ModelPackagingOutputDetails = new ModelPackagingOutputDetails { Greengrass = new GreengrassOutputDetails { ComponentName = "from.Config", ComponentVersion = "4.2.0" } },
        };

        using var engine = OnnxInferenceEngine.Load(
            new ModelLoadOptions { PackagePath = TestModels.ColorClassifier, Accelerator = Accelerator.Cpu, IntraOpThreads = 1, PackagingDescriptionOverride = description },
            NullLogger.Instance);

        Assert.Equal(("from.Config", "4.2.0", "42"), (engine.Model.ToProvenance().ComponentName, engine.Model.ToProvenance().ComponentVersion, engine.Model.ToProvenance().ModelVersion));
    }

    [Fact]
    public void Load_Success_LogsOneModelLoadedEvent()
    {
        var logger = new FakeLogger();

        using var engine = OnnxInferenceEngine.Load(new ModelLoadOptions { PackagePath = TestModels.GreyAnomaly, Accelerator = Accelerator.Cpu, IntraOpThreads = 1 }, logger);

        var loaded = Assert.Single(logger.Collector.GetSnapshot(), r => r.Id.Id == 2003);
        Assert.Contains(engine.Model.Sha256, loaded.Message, StringComparison.Ordinal);
        Assert.Contains("anomaly", loaded.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Infer_CancelledToken_ThrowsWithoutRunning()
    {
        using var engine = Load(TestModels.ColorClassifier);
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() => engine.Infer(TestImages.Solid(8, 8, (1, 2, 3)), cancelled.Token));
    }

    [Fact]
    public void Infer_ImageOverMaxImagePixels_IsRefusedWithInvalidImage()
    {
        using var engine = OnnxInferenceEngine.Load(
            new ModelLoadOptions { PackagePath = TestModels.ColorClassifier, Accelerator = Accelerator.Cpu, IntraOpThreads = 1, MaxImagePixels = 10_000 },
            NullLogger.Instance);

        var error = Assert.Throws<InferenceException>(() => engine.Infer(TestImages.Solid(200, 200, (1, 2, 3), ".jpg")));

        Assert.Equal(EdgeInference.Core.Results.ErrorCodes.InvalidImage, error.Code);
        Assert.Contains("limit of 10,000", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Infer_ConcurrentCallsOnAnomalyModel_GiveTheSequentialResults()
    {
        using var engine = Load(TestModels.GreyAnomaly);
        byte[][] images =
        [
            TestImages.Solid(64, 64, (128, 128, 128)),
            TestImages.GreyWithWhiteSquare(128, 128, 32),
            TestImages.GreyWithWhiteSquare(200, 150, 60, ".jpg"),
            TestImages.Solid(90, 70, (0, 0, 0), ".bmp"),
            TestImages.PhotoLikeJpeg(320, 240, seed: 3),
        ];
        var sequential = images.Select(i => Describe(engine.Infer(i))).ToArray();

        var concurrent = RunConcurrently(images, image => Describe(engine.Infer(image)), rounds: 6);

        Assert.All(concurrent, pair => Assert.Equal(sequential[pair.Index], pair.Result));
    }

    [Fact]
    public void Infer_ConcurrentCallsOnResNet18_GiveTheSequentialEmbeddings()
    {
        using var engine = OnnxInferenceEngine.Load(new ModelLoadOptions { PackagePath = TestModels.ResNet18Sample, Accelerator = Accelerator.Cpu, IntraOpThreads = 1 }, NullLogger.Instance);
        byte[][] images = [TestImages.PhotoLikeJpeg(640, 480, seed: 1), TestImages.PhotoLikeJpeg(300, 300, seed: 2), TestImages.Solid(224, 224, (30, 160, 90))];
        var sequential = images.Select(i => engine.Infer(i).Embedding!).ToArray();

        var concurrent = RunConcurrently(images, image => engine.Infer(image).Embedding!, rounds: 3);

        Assert.All(concurrent, pair => Assert.Equal(sequential[pair.Index], pair.Result));
    }

    private static OnnxInferenceEngine Load(string package) =>
        OnnxInferenceEngine.Load(new ModelLoadOptions { PackagePath = package, Accelerator = Accelerator.Cpu, IntraOpThreads = 1 }, NullLogger.Instance);

    private static string Describe(InferenceOutput output)
    {
        var r = output.DetectAnomalyResult!;
        return $"{r.IsAnomalous} {r.AnomalyScore:R} {r.Confidence:R} {r.Anomalies![1].PixelAnomaly!.TotalPercentageArea:R} {r.AnomalyMask}";
    }

    /// <summary>Four threads each run every image <paramref name="rounds"/> times, starting together.</summary>
    private static List<(int Index, T Result)> RunConcurrently<T>(byte[][] images, Func<byte[], T> infer, int rounds)
    {
        const int threads = 4;
        var results = new ConcurrentBag<(int, T)>();
        var failures = new ConcurrentQueue<Exception>();
        using var start = new Barrier(threads);
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            try
            {
                start.SignalAndWait(TimeSpan.FromSeconds(10));
                for (var round = 0; round < rounds; round++)
                {
                    for (var i = 0; i < images.Length; i++)
                    {
                        var index = (i + t) % images.Length;
                        results.Add((index, infer(images[index])));
                    }
                }
            }
            catch (Exception ex)
            {
                // A worker thread's exception would end the test process; report it as the test's failure instead.
                failures.Enqueue(ex);
            }
        })).ToArray();
        foreach (var worker in workers)
        {
            worker.UnsafeStart();
        }

        foreach (var worker in workers)
        {
            Assert.True(worker.Join(TimeSpan.FromSeconds(60)), "a worker thread did not finish in 60 s");
        }

        Assert.Empty(failures);
        Assert.Equal(threads * rounds * images.Length, results.Count);
        return results.ToList();
    }
}
