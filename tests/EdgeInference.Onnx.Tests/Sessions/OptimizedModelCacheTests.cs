using EdgeInference.Core.Inference;
using EdgeInference.Onnx.Sessions;
using EdgeInference.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace EdgeInference.Onnx.Tests.Sessions;

public sealed class OptimizedModelCacheTests : IDisposable
{
    private readonly string _cache = Directory.CreateTempSubdirectory("ei-ort-cache-").FullName;

    public void Dispose() => Directory.Delete(_cache, recursive: true);

    private OnnxInferenceEngine Load(string package) => OnnxInferenceEngine.Load(
        new ModelLoadOptions { PackagePath = package, Accelerator = Accelerator.Cpu, IntraOpThreads = 1, OptimizedModelCacheDirectory = _cache },
        NullLogger.Instance);

    [Fact]
    public void Load_Twice_FirstStoresTheOptimisedModel_SecondLoadsIt_AndBothGiveTheSameEmbedding()
    {
        var jpeg = TestImages.PhotoLikeJpeg();

        float[] first, second;
        string? firstNote, secondNote;
        using (var engine = Load(TestModels.ResNet18Sample))
        {
            firstNote = engine.Model.ExecutionProvider.OptimizedModelCache;
            first = engine.Infer(jpeg).Embedding!;
        }

        using (var engine = Load(TestModels.ResNet18Sample))
        {
            secondNote = engine.Model.ExecutionProvider.OptimizedModelCache;
            second = engine.Infer(jpeg).Embedding!;
        }

        Assert.StartsWith("stored: " + _cache, firstNote, StringComparison.Ordinal);
        Assert.Equal("hit: " + firstNote!["stored: ".Length..], secondNote);
        Assert.Single(Directory.GetFiles(_cache));
        for (var i = 0; i < first.Length; i++)
        {
            Assert.Equal(first[i], second[i], 3);
        }
    }

    [Fact]
    public void Load_CachedFileCorrupt_RebuildsAndStoresAgain()
    {
        using (Load(TestModels.ColorClassifier))
        {
        }

        var cached = Directory.GetFiles(_cache).Single();
        File.WriteAllBytes(cached, [1, 2, 3]);

        using var engine = Load(TestModels.ColorClassifier);

        Assert.StartsWith("stored: ", engine.Model.ExecutionProvider.OptimizedModelCache, StringComparison.Ordinal);
        Assert.Equal("red", engine.Infer(TestImages.Solid(8, 8, (255, 0, 0))).Classifications![0].Label);
        Assert.True(new FileInfo(cached).Length > 3);
    }

    [Fact]
    public void PathFor_DifferentModelOrLevel_DifferentFile()
    {
        var cache = new OptimizedModelCache(_cache);
        var sha = new string('a', 64);

        Assert.NotEqual(cache.PathFor(sha, GraphOptimization.All), cache.PathFor(new string('b', 64), GraphOptimization.All));
        Assert.NotEqual(cache.PathFor(sha, GraphOptimization.All), cache.PathFor(sha, GraphOptimization.Extended));
        Assert.Equal(cache.PathFor(sha, GraphOptimization.All), cache.PathFor(sha, GraphOptimization.All));
    }

    [Fact]
    public void Load_CacheFolderNotWritable_StillServesWithoutCache()
    {
        var file = Path.Combine(_cache, "not-a-folder");
        File.WriteAllText(file, "x");

        using var engine = OnnxInferenceEngine.Load(
            new ModelLoadOptions { PackagePath = TestModels.ColorClassifier, Accelerator = Accelerator.Cpu, IntraOpThreads = 1, OptimizedModelCacheDirectory = file },
            NullLogger.Instance);

        Assert.Null(engine.Model.ExecutionProvider.OptimizedModelCache);
        Assert.Equal("blue", engine.Infer(TestImages.Solid(8, 8, (0, 0, 255))).Classifications![0].Label);
    }
}
