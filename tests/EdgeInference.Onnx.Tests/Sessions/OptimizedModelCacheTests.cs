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
        var entry = Assert.Single(Directory.GetDirectories(_cache));
        Assert.Empty(Directory.GetFiles(_cache));
        // The weights lie in a file of their own (mapped, not read into the heap); the graph is small.
        Assert.True(new FileInfo(Path.Combine(entry, OptimizedModelCache.WeightsFileName)).Length > 40_000_000);
        Assert.True(new FileInfo(Path.Combine(entry, OptimizedModelCache.ModelFileName)).Length < 1_000_000);
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

        var cached = Path.Combine(Directory.GetDirectories(_cache).Single(), OptimizedModelCache.ModelFileName);
        File.WriteAllBytes(cached, [1, 2, 3]);

        using var engine = Load(TestModels.ColorClassifier);

        Assert.StartsWith("stored: ", engine.Model.ExecutionProvider.OptimizedModelCache, StringComparison.Ordinal);
        Assert.Equal("red", engine.Infer(TestImages.Solid(8, 8, (255, 0, 0))).Classifications![0].Label);
        Assert.True(new FileInfo(cached).Length > 3);
    }

    [Fact]
    public void Load_EntryOfTheEarlierSingleFileLayout_RemovedOnceTheModelIsStoredAgain()
    {
        var modelPath = new OptimizedModelCache(_cache).PathFor(PackageSha256(TestModels.ColorClassifier), GraphOptimization.All);
        var earlier = Path.Combine(_cache, Path.GetFileName(Path.GetDirectoryName(modelPath))![..13] + "0123456789abcdef01234567.optimized.onnx");
        File.WriteAllBytes(earlier, [1, 2, 3]);
        var otherModel = Path.Combine(_cache, "ffffffffffff-0123456789abcdef01234567.optimized.onnx");
        File.WriteAllBytes(otherModel, [1, 2, 3]);

        using var engine = Load(TestModels.ColorClassifier);

        Assert.Equal("stored: " + modelPath, engine.Model.ExecutionProvider.OptimizedModelCache);
        Assert.False(File.Exists(earlier));
        Assert.True(File.Exists(otherModel));
    }

    [Fact]
    public void Load_EntryStoredMeanwhileByAnotherWorker_ServesAndLeavesNoTemporaryFolder()
    {
        var modelPath = new OptimizedModelCache(_cache).PathFor(PackageSha256(TestModels.ColorClassifier), GraphOptimization.All);
        using (var options = new Microsoft.ML.OnnxRuntime.SessionOptions())
        {
            var folder = OptimizedModelCache.SaveInto(modelPath, options);
            File.WriteAllText(Path.Combine(folder, OptimizedModelCache.ModelFileName), "theirs");
            Assert.True(OptimizedModelCache.Commit(folder, modelPath));
        }

        using var options2 = new Microsoft.ML.OnnxRuntime.SessionOptions();
        var ours = OptimizedModelCache.SaveInto(modelPath, options2);
        File.WriteAllText(Path.Combine(ours, OptimizedModelCache.ModelFileName), "ours");

        Assert.True(OptimizedModelCache.Commit(ours, modelPath));
        Assert.Equal("theirs", File.ReadAllText(modelPath));
        Assert.Single(Directory.GetFileSystemEntries(_cache));
    }

    [Fact]
    public void Commit_EntryWithoutItsGraph_IsReplaced()
    {
        var modelPath = new OptimizedModelCache(_cache).PathFor(new string('d', 64), GraphOptimization.All);
        Directory.CreateDirectory(Path.GetDirectoryName(modelPath)!);
        File.WriteAllText(Path.Combine(Path.GetDirectoryName(modelPath)!, OptimizedModelCache.WeightsFileName), "stale");
        using var options = new Microsoft.ML.OnnxRuntime.SessionOptions();
        var folder = OptimizedModelCache.SaveInto(modelPath, options);
        File.WriteAllText(Path.Combine(folder, OptimizedModelCache.ModelFileName), "ours");

        Assert.True(OptimizedModelCache.Commit(folder, modelPath));

        Assert.Equal("ours", File.ReadAllText(modelPath));
        Assert.False(File.Exists(Path.Combine(Path.GetDirectoryName(modelPath)!, OptimizedModelCache.WeightsFileName)));
        Assert.Single(Directory.GetFileSystemEntries(_cache));
    }

    [Fact]
    public void Commit_NothingSaved_RemovesTheFolder()
    {
        var modelPath = new OptimizedModelCache(_cache).PathFor(new string('c', 64), GraphOptimization.All);
        using var options = new Microsoft.ML.OnnxRuntime.SessionOptions();
        var folder = OptimizedModelCache.SaveInto(modelPath, options);

        Assert.False(OptimizedModelCache.Commit(folder, modelPath));
        Assert.Empty(Directory.GetFileSystemEntries(_cache));
    }

    private static string PackageSha256(string package) =>
        EdgeInference.Onnx.Packages.ModelPackage.Open(package).ModelIdentity;

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
