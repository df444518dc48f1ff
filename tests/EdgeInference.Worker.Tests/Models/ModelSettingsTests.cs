using System.Text.Json.Nodes;
using EdgeInference.Core.Inference;
using EdgeInference.Worker.Models;
using EdgeInference.Worker.Options;
using Microsoft.Extensions.Options;
using Xunit;

namespace EdgeInference.Worker.Tests.Models;

public sealed class ModelSettingsTests
{
    [Fact]
    public void WithOverrides_ComponentNamesItsOwnImageDecoder_TakesItForItsModel()
    {
        var options = ModelSettings.WithOverrides(new ModelOptions(), new JsonObject { ["ImageDecoder"] = "vips" }, "com.example.Line7");

        Assert.Equal(ImageDecoderChoice.Vips, options.ImageDecoder);
    }

    [Fact]
    public void WithOverrides_ComponentSetsTheOnnxRuntimeLibrary_IsRefusedAsProcessWideNamingTheRuntimeComponent()
    {
        var error = Assert.Throws<OptionsValidationException>(() =>
            ModelSettings.WithOverrides(new ModelOptions(), new JsonObject { ["OnnxRuntimeLibrary"] = "/opt/ort/libonnxruntime.so" }, "com.example.Line7"));

        var failure = Assert.Single(error.Failures);
        Assert.Contains("com.example.Line7:Model:OnnxRuntimeLibrary", failure, StringComparison.Ordinal);
        Assert.Contains("process-wide", failure, StringComparison.Ordinal);
        Assert.Contains("com.example.EdgeInference", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void WithOverrides_ComponentRepeatsTheWorkersLibrary_IsAccepted()
    {
        var worker = new ModelOptions { OnnxRuntimeLibrary = "/opt/ort/libonnxruntime.so" };

        var options = ModelSettings.WithOverrides(worker, new JsonObject { ["OnnxRuntimeLibrary"] = "/opt/ort/libonnxruntime.so", ["Accelerator"] = "gpu" }, "com.example.Line7");

        Assert.Equal(Accelerator.Gpu, options.Accelerator);
    }

    [Fact]
    public void ToLoadOptions_DecoderAndLibrary_ReachTheEngineLoaderWithAnAbsolutePath()
    {
        var settings = new ModelSettings(new ModelOptions { ImageDecoder = ImageDecoderChoice.OpenCv, OnnxRuntimeLibrary = "ort/libonnxruntime.so" }, new PackagingDescriptionOptions(), "/models/m");

        var load = settings.ToLoadOptions(new LimitsOptions());

        Assert.Equal(ImageDecoderChoice.OpenCv, load.ImageDecoder);
        Assert.Equal(Path.GetFullPath("ort/libonnxruntime.so"), load.OnnxRuntimeLibrary);
        Assert.Null(new ModelSettings(new ModelOptions { OnnxRuntimeLibrary = " " }, new PackagingDescriptionOptions(), "/m").ToLoadOptions(new LimitsOptions()).OnnxRuntimeLibrary);
    }
}
