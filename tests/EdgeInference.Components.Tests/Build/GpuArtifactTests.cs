using System.IO.Compression;
using System.Text.Json;
using EdgeInference.Components.Build;
using EdgeInference.Testing;
using Xunit;

namespace EdgeInference.Components.Tests.Build;

/// <summary>
/// The GPU artifact holds ONNX Runtime's CUDA provider, proven without running it. Every CI run resolves the real GPU
/// publish (restore of Microsoft.ML.OnnxRuntime.Gpu.Linux 1.31.0, 245 MB, ~30 s on a clean machine, in its own
/// artifacts folder) and checks its file list; ComponentBuilderTests check that the zip holds what the publish holds and
/// that a GPU publish without the provider is refused. The whole real build (publish + a 400 MB zip, ~1.5 min more)
/// runs with EDGE_INFERENCE_GPU_ARTIFACT_TEST=1.
/// </summary>
[Collection(ProcessTests.Collection)]
public sealed class GpuArtifactTests
{
    private static readonly string[] ProviderLibraries =
        ["libonnxruntime.so", WorkerVariant.CudaProviderLibrary, "libonnxruntime_providers_tensorrt.so", "libonnxruntime_providers_shared.so"];

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static string WorkerProject => Path.Combine(RepoPaths.Root, "src", "EdgeInference.Worker", "EdgeInference.Worker.csproj");

    [Fact]
    public async Task GpuVariantPublish_ResolvesTheCudaAndTensorRtProviderLibraries()
    {
        var artifacts = Directory.CreateTempSubdirectory("gpu-resolve-").FullName;
        try
        {
            string[] arguments =
            [
                "msbuild", WorkerProject, "-restore", "-nologo", "-v:q", "-t:ComputeResolvedFilesToPublishList",
                "-p:Configuration=Release", $"-p:RuntimeIdentifier={WorkerVariant.GpuRid}", "-p:SelfContained=true", .. WorkerVariant.GpuPublishProperties,
                $"-p:ArtifactsPath={artifacts}", "-getItem:ResolvedFileToPublish",
            ];
            var (exitCode, output) = await RunAsync("dotnet", arguments);

            Assert.True(exitCode == 0, output);
            var published = JsonDocument.Parse(output[output.IndexOf('{', StringComparison.Ordinal)..]).RootElement
                .GetProperty("Items").GetProperty("ResolvedFileToPublish").EnumerateArray()
                .Select(item => item.GetProperty("RelativePath").GetString()).ToHashSet(StringComparer.Ordinal);
            Assert.All(ProviderLibraries, library => Assert.Contains(library, published));
        }
        finally
        {
            Directory.Delete(artifacts, recursive: true);
        }
    }

    [Fact]
    public async Task BuildAsync_RealGpuVariant_ZipHoldsTheCudaAndTensorRtProviders()
    {
        Assert.SkipUnless(Environment.GetEnvironmentVariable("EDGE_INFERENCE_GPU_ARTIFACT_TEST") == "1", "The full GPU build (publish + 400 MB zip, ~1.5 min) runs with EDGE_INFERENCE_GPU_ARTIFACT_TEST=1; CI resolves its file list instead.");
        var output = Directory.CreateTempSubdirectory("gpu-build-").FullName;
        try
        {
            var result = await ComponentBuilder.BuildAsync(
                new ComponentBuildSettings(Path.Combine(RepoPaths.Root, "gdk-config.json"), [WorkerVariant.GpuRid], WorkerProject: Path.GetDirectoryName(WorkerProject), OutputDirectory: Path.Combine(output, "greengrass-build"), Variants: [WorkerVariant.Gpu]),
                TextWriter.Null,
                Token);

            using var zip = ZipFile.OpenRead(Path.Combine(result.ArtifactsDirectory, ArtifactZipper.ArchiveFileName(WorkerVariant.GpuRid, WorkerVariant.Gpu)));
            Assert.All(ProviderLibraries, library => Assert.NotNull(zip.GetEntry(library)));
            Assert.Equal("Linux x86_64 NVIDIA", Assert.Single(result.Recipe.Recipe["Manifests"]!.AsArray())!["Name"]!.GetValue<string>());
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string file, params string[] arguments)
    {
        var result = await ExternalTool.RunAsync(file, arguments, Token, timeout: TimeSpan.FromMinutes(5));
        return (result.ExitCode, result.Stdout + result.Stderr);
    }
}
