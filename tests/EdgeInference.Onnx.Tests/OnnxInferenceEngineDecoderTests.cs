using EdgeInference.Core.Inference;
using EdgeInference.Core.Results;
using EdgeInference.Onnx.Imaging;
using EdgeInference.Onnx.Runtime;
using EdgeInference.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace EdgeInference.Onnx.Tests;

/// <summary>The engine with either decoder: the same answers from real models, the choice described, refusals survived.</summary>
public sealed class OnnxInferenceEngineDecoderTests
{
    private static OnnxInferenceEngine Load(string package, ImageDecoderChoice decoder) =>
        OnnxInferenceEngine.Load(new ModelLoadOptions { PackagePath = package, Accelerator = Accelerator.Cpu, IntraOpThreads = 1, ImageDecoder = decoder }, NullLogger.Instance);

    [Fact]
    public void Infer_SamePhotoThroughEitherDecoder_ResNet18EmbeddingsAgree()
    {
        var photo = TestImages.PhotoLikeJpeg();
        using var openCv = Load(TestModels.ResNet18Sample, ImageDecoderChoice.OpenCv);
        using var vips = Load(TestModels.ResNet18Sample, ImageDecoderChoice.Vips);

        var a = openCv.Infer(photo).Embedding!;
        var b = vips.Infer(photo).Embedding!;

        var cosine = a.Zip(b, (x, y) => (double)x * y).Sum() / (Math.Sqrt(a.Sum(x => (double)x * x)) * Math.Sqrt(b.Sum(y => (double)y * y)));
        Assert.True(cosine > 0.99, $"cosine similarity of the two decoders' embeddings is {cosine:F4}");
    }

    [Theory]
    [InlineData(220, 30, 40, "red")]
    [InlineData(30, 200, 60, "green")]
    [InlineData(20, 40, 230, "blue")]
    public void Infer_ColouredJpegThroughEitherDecoder_SameLabelAndConfidenceClose(byte r, byte g, byte b, string expected)
    {
        var jpeg = TestImages.Solid(640, 480, (r, g, b), ".jpg");
        using var openCv = Load(TestModels.ColorClassifier, ImageDecoderChoice.OpenCv);
        using var vips = Load(TestModels.ColorClassifier, ImageDecoderChoice.Vips);

        var first = openCv.Infer(jpeg).Classifications![0];
        var second = vips.Infer(jpeg).Classifications![0];

        Assert.Equal(expected, first.Label);
        Assert.Equal(expected, second.Label);
        Assert.True(Math.Abs(first.Confidence - second.Confidence) < 0.02f, $"confidence {first.Confidence} vs {second.Confidence}");
    }

    [Fact]
    public void Infer_WhiteSquareThroughEitherDecoder_SameAnomalyVerdictAndArea()
    {
        var image = TestImages.GreyWithWhiteSquare(256, 256, 64, ".jpg");
        using var openCv = Load(TestModels.GreyAnomaly, ImageDecoderChoice.OpenCv);
        using var vips = Load(TestModels.GreyAnomaly, ImageDecoderChoice.Vips);

        var first = openCv.Infer(image).DetectAnomalyResult!;
        var second = vips.Infer(image).DetectAnomalyResult!;

        Assert.True(first.IsAnomalous);
        Assert.True(second.IsAnomalous);
        var area = (DetectAnomalyResult r) => r.Anomalies!.Single(a => a.Name == "anomaly").PixelAnomaly!.TotalPercentageArea;
        Assert.True(Math.Abs(area(first) - area(second)) < 0.02f, $"anomalous area {area(first)} vs {area(second)}");
    }

    [Theory]
    [InlineData(ImageDecoderChoice.Vips, "vips", "libvips 8.18.7")]
    [InlineData(ImageDecoderChoice.OpenCv, "opencv", "OpenCV 4.13.0")]
    [InlineData(ImageDecoderChoice.Auto, "opencv", "OpenCV 4.13.0")]
    public void Load_DecoderChoice_IsDescribedWithItsLibraryAndTheRuntimeLibrary(ImageDecoderChoice choice, string active, string library)
    {
        using var engine = Load(TestModels.ColorClassifier, choice);

        var decoder = engine.Model.ImageDecoder!;
        Assert.Equal(choice.ToConfigName(), decoder.Requested);
        Assert.Equal(active, decoder.Active);
        Assert.Equal(library, decoder.Library);
        Assert.Null(decoder.FallbackReason);
        var runtime = engine.Model.OnnxRuntime!;
        Assert.Equal("1.31.1", runtime.Version);
        Assert.Equal(OnnxRuntimeLibrary.BundledSource, runtime.Source);
        Assert.EndsWith("libonnxruntime.so", runtime.Library, StringComparison.Ordinal);
        Assert.True(File.Exists(runtime.Library), runtime.Library);
    }

    [Fact]
    public void Infer_BmpWithVips_IsInvalidImageNamingTheDecoderAndTheEngineServesOn()
    {
        using var engine = Load(TestModels.ColorClassifier, ImageDecoderChoice.Vips);

        var error = Assert.Throws<InferenceException>(() => engine.Infer(TestImages.Solid(64, 64, (250, 0, 0), ".bmp")));
        var next = engine.Infer(TestImages.Solid(64, 64, (250, 0, 0), ".png"));

        Assert.Equal(ErrorCodes.InvalidImage, error.Code);
        Assert.Contains("The vips decoder", error.Message, StringComparison.Ordinal);
        Assert.Equal("red", next.Classifications![0].Label);
    }
}
