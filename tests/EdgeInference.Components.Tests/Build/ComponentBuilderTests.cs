using EdgeInference.Components.Build;
using EdgeInference.Greengrass.Recipes;
using EdgeInference.Testing.Components;
using Xunit;

namespace EdgeInference.Components.Tests.Build;

/// <summary>`component build` writes GDK's layout into a folder GDK may have made, deletes nothing, and rebuilds only the RIDs asked for.</summary>
public sealed class ComponentBuilderTests : IDisposable
{
    private readonly ComponentTestProject _project = new();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => _project.Dispose();

    [Fact]
    public async Task BuildAsync_FolderGdkCreated_WritesRecipeYamlAndZipsThereAndNothingElse()
    {
        // What `gdk component build` leaves before it runs the custom build command.
        Directory.CreateDirectory(Path.Combine(_project.BuildDirectory, "recipes"));
        Directory.CreateDirectory(_project.ArtifactsDirectory());

        var result = await _project.BuildAsync();

        Assert.Equal(Path.Combine(_project.BuildDirectory, "recipes", "recipe.yaml"), result.RecipeFile);
        Assert.Equal(["artifacts", "recipes"], Directory.EnumerateFileSystemEntries(_project.BuildDirectory).Select(Path.GetFileName).Order());
        Assert.Equal(["recipe.yaml"], Directory.EnumerateFileSystemEntries(Path.Combine(_project.BuildDirectory, "recipes")).Select(Path.GetFileName));
        Assert.Equal(
            [Path.Combine("com.example.EdgeInference", "1.0.0", "edge-inference-worker-linux-arm64.zip"), Path.Combine("com.example.EdgeInference", "1.0.0", "edge-inference-worker-linux-x64.zip")],
            Directory.EnumerateFiles(Path.Combine(_project.BuildDirectory, "artifacts"), "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(Path.Combine(_project.BuildDirectory, "artifacts"), f)).Order());
        // CPU only by default: the x86_64 NVIDIA manifest is left out (no GPU zip); the Jetson one runs the arm64 zip.
        Assert.Equal(3, RecipeYaml.Parse(await File.ReadAllTextAsync(result.RecipeFile, Token))["Manifests"]!.AsArray().Count);
        Assert.Empty(result.KeptArtifacts);
    }

    [Fact]
    public async Task BuildAsync_OneRidAfterBoth_RebuildsOnlyThatRidAndKeepsTheOther()
    {
        await _project.BuildAsync();
        var arm64 = Path.Combine(_project.ArtifactsDirectory(), "edge-inference-worker-linux-arm64.zip");
        var x64 = Path.Combine(_project.ArtifactsDirectory(), "edge-inference-worker-linux-x64.zip");
        var arm64Before = await File.ReadAllBytesAsync(arm64, Token);
        var x64Before = await File.ReadAllBytesAsync(x64, Token);
        await File.WriteAllTextAsync(Path.Combine(_project.PublishDirectory, "linux-x64", "changed.txt"), "new build", Token);
        var log = new StringWriter();

        var result = await _project.BuildAsync(log, "linux-x64");

        Assert.Equal(arm64Before, await File.ReadAllBytesAsync(arm64, Token));
        Assert.NotEqual(x64Before, await File.ReadAllBytesAsync(x64, Token));
        Assert.Equal(["edge-inference-worker-linux-arm64.zip"], result.KeptArtifacts);
        Assert.Contains("Kept edge-inference-worker-linux-arm64.zip from an earlier build", log.ToString(), StringComparison.Ordinal);
        Assert.Equal(["aarch64", "amd64", "aarch64"], result.Recipe.Recipe["Manifests"]!.AsArray().Select(m => m!["Platform"]!["architecture"]!.GetValue<string>()));
    }

    [Theory]
    [InlineData("cpu")]
    [InlineData("gpu")]
    public void PublishIsolation_EveryVariant_PublishesThroughItsOwnArtifactsPathNotTheProjectsBin(string variant)
    {
        var intermediate = Path.Combine(Path.GetTempPath(), "edge-inference-isolated");

        var (properties, artifactsPath) = ComponentBuilder.PublishIsolation(variant, intermediate);
        var arguments = DotnetPublishRunner.Arguments("src/EdgeInference.Worker", "linux-arm64", "/tmp/out", properties, artifactsPath);

        var at = arguments.ToList().IndexOf("--artifacts-path");
        Assert.True(at >= 0, string.Join(' ', arguments));
        Assert.Equal(intermediate, arguments[at + 1]);
        Assert.Equal(variant == "gpu", arguments.Contains("-p:EdgeInferenceGpu=true"));
    }

    [Fact]
    public async Task BuildAsync_EarlierPublishRecipe_LeftInPlace()
    {
        await _project.BuildAsync();
        var published = Path.Combine(_project.BuildDirectory, "recipes", "com.example.EdgeInference-1.0.0.yaml");
        await File.WriteAllTextAsync(published, "written by a publish", Token);

        await _project.BuildAsync();

        Assert.Equal("written by a publish", await File.ReadAllTextAsync(published, Token));
    }

    [Fact]
    public async Task BuildAsync_OutputFolderHoldsOtherFiles_RefusedAndLeftAlone()
    {
        var elsewhere = Directory.CreateDirectory(Path.Combine(_project.Root, "docs")).FullName;
        await File.WriteAllTextAsync(Path.Combine(elsewhere, "notes.txt"), "mine", Token);

        var error = await Assert.ThrowsAsync<ComponentBuildException>(() => ComponentBuilder.BuildAsync(
            new ComponentBuildSettings(_project.ConfigPath, [], SkipDotnetPublish: true, PublishDirectory: _project.PublishDirectory, OutputDirectory: elsewhere), TextWriter.Null, Token));

        Assert.Contains("is not a Greengrass build folder (it holds notes.txt)", error.Message, StringComparison.Ordinal);
        Assert.Equal(["notes.txt"], Directory.EnumerateFileSystemEntries(elsewhere).Select(Path.GetFileName));
    }

    [Fact]
    public async Task BuildAsync_JsonTemplate_WritesRecipeJsonUnderTheSameName()
    {
        File.Move(Path.Combine(_project.Root, "recipe.yaml"), Path.Combine(_project.Root, "recipe.json"));
        var template = RecipeYaml.Parse(await File.ReadAllTextAsync(ComponentTestProject.TemplatePath, Token));
        await File.WriteAllTextAsync(Path.Combine(_project.Root, "recipe.json"), RecipeText.Serialize(template, RecipeFormat.Json), Token);

        var result = await _project.BuildAsync();

        Assert.Equal(Path.Combine(_project.BuildDirectory, "recipes", "recipe.json"), result.RecipeFile);
        var written = RecipeText.Parse(await File.ReadAllTextAsync(result.RecipeFile, Token), RecipeFormat.Json);
        Assert.Equal("com.example.EdgeInference", written["ComponentName"]!.GetValue<string>());
    }

    [Fact]
    public async Task BuildAsync_BothRecipeYamlAndJson_RefusedLikeGdk()
    {
        await File.WriteAllTextAsync(Path.Combine(_project.Root, "recipe.json"), "{}", Token);

        var error = await Assert.ThrowsAsync<ComponentBuildException>(() => _project.BuildAsync());

        Assert.Contains("Both recipe.yaml and recipe.json", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BuildAsync_NoTemplate_SaysWhereGdkLooks()
    {
        File.Delete(Path.Combine(_project.Root, "recipe.yaml"));

        var error = await Assert.ThrowsAsync<ComponentBuildException>(() => _project.BuildAsync());

        Assert.Contains("GDK reads recipe.yaml or recipe.json in the project folder", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BuildAsync_GpuVariant_ZipsTheGpuPublishAsItsOwnArtifactAndRecipeOffersItToNvidiaDevicesFirst()
    {
        var gpuPublish = Directory.CreateDirectory(Path.Combine(_project.PublishDirectory, "linux-x64-gpu")).FullName;
        foreach (var file in Directory.GetFiles(Path.Combine(_project.PublishDirectory, "linux-x64")))
        {
            File.Copy(file, Path.Combine(gpuPublish, Path.GetFileName(file)));
        }

        await File.WriteAllTextAsync(Path.Combine(gpuPublish, WorkerVariant.CudaProviderLibrary), "cuda provider", Token);
        var log = new StringWriter();

        var result = await ComponentBuilder.BuildAsync(
            new ComponentBuildSettings(_project.ConfigPath, [], SkipDotnetPublish: true, PublishDirectory: _project.PublishDirectory, Variants: [WorkerVariant.Cpu, WorkerVariant.Gpu]),
            log,
            Token);

        var gpuZip = Path.Combine(_project.ArtifactsDirectory(), "edge-inference-worker-linux-x64-gpu.zip");
        using (var zip = System.IO.Compression.ZipFile.OpenRead(gpuZip))
        {
            Assert.NotNull(zip.GetEntry(WorkerVariant.CudaProviderLibrary));
            Assert.NotNull(zip.GetEntry("EdgeInference.Worker"));
        }

        Assert.Contains("no gpu variant for linux-arm64", log.ToString(), StringComparison.Ordinal);
        Assert.Equal(
            ["edge-inference-worker-linux-x64-gpu.zip", "edge-inference-worker-linux-arm64.zip", "edge-inference-worker-linux-x64.zip", "edge-inference-worker-linux-arm64.zip"],
            result.Recipe.Recipe["Manifests"]!.AsArray().Select(m => m!["Artifacts"]![0]!["URI"]!.GetValue<string>().Split('/')[^1]));
    }

    [Fact]
    public async Task BuildAsync_GpuVariantFromAPublishWithoutTheCudaProvider_IsRefusedSayingItIsNotAGpuPublish()
    {
        Directory.CreateDirectory(Path.Combine(_project.PublishDirectory, "linux-x64-gpu"));
        File.Copy(Path.Combine(_project.PublishDirectory, "linux-x64", "EdgeInference.Worker"), Path.Combine(_project.PublishDirectory, "linux-x64-gpu", "EdgeInference.Worker"));

        var error = await Assert.ThrowsAsync<ComponentBuildException>(() => ComponentBuilder.BuildAsync(
            new ComponentBuildSettings(_project.ConfigPath, ["linux-x64"], SkipDotnetPublish: true, PublishDirectory: _project.PublishDirectory, Variants: [WorkerVariant.Gpu]),
            TextWriter.Null,
            Token));

        Assert.Contains($"holds no {WorkerVariant.CudaProviderLibrary}", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_project.ArtifactsDirectory(), "edge-inference-worker-linux-x64-gpu.zip")));
    }

    [Fact]
    public async Task BuildAsync_GpuVariantForArm64Only_IsRefusedAsNothingToBuild()
    {
        var error = await Assert.ThrowsAsync<ComponentBuildException>(() => ComponentBuilder.BuildAsync(
            new ComponentBuildSettings(_project.ConfigPath, ["linux-arm64"], SkipDotnetPublish: true, PublishDirectory: _project.PublishDirectory, Variants: [WorkerVariant.Gpu]),
            TextWriter.Null,
            Token));

        Assert.Contains("Nothing to build", error.Message, StringComparison.Ordinal);
    }
}
