using EdgeInference.Core.Inference;
using EdgeInference.Core.Manifest;
using EdgeInference.Core.Results;
using EdgeInference.Onnx.Sessions;
using EdgeInference.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;
using OpenCvSharp;
using Xunit;

namespace EdgeInference.Onnx.Tests;

public sealed class OnnxInferenceEngineTests
{
    private static OnnxInferenceEngine Load(string package, Accelerator accelerator = Accelerator.Cpu) =>
        OnnxInferenceEngine.Load(new ModelLoadOptions { PackagePath = package, Accelerator = accelerator, IntraOpThreads = 1 }, NullLogger.Instance);

    [Theory]
    [InlineData(255, 0, 0, "red")]
    [InlineData(0, 255, 0, "green")]
    [InlineData(0, 0, 255, "blue")]
    [InlineData(200, 40, 30, "red")]
    public void Infer_SolidColour_TopLabelIsThatColour(byte r, byte g, byte b, string expected)
    {
        using var engine = Load(TestModels.ColorClassifier);

        var output = engine.Infer(TestImages.Solid(100, 80, (r, g, b), ".jpg"));

        Assert.NotNull(output.Classifications);
        Assert.Equal(3, output.Classifications.Count);
        Assert.Equal(expected, output.Classifications[0].Label);
        Assert.True(output.Classifications[0].Confidence > 0.9f, $"confidence {output.Classifications[0].Confidence}");
        Assert.Equal(1f, output.Classifications.Sum(c => c.Confidence), 3);
        Assert.True(output.Classifications[0].Confidence >= output.Classifications[1].Confidence);
    }

    [Fact]
    public void Infer_GreyImage_IsNotAnomalous()
    {
        using var engine = Load(TestModels.GreyAnomaly);

        var result = engine.Infer(TestImages.Solid(64, 64, (128, 128, 128))).DetectAnomalyResult;

        Assert.NotNull(result);
        Assert.False(result.IsAnomalous);
        Assert.True(result.AnomalyScore < 0.05f, $"score {result.AnomalyScore}");
        Assert.Equal(0.5f, result.AnomalyThreshold);
        Assert.Equal(0f, result.Anomalies!.Single(a => a.Name == "anomaly").PixelAnomaly!.TotalPercentageArea);
    }

    [Fact]
    public void Infer_WhiteSquareOnGrey_IsAnomalousWithMaskCoveringTheSquare()
    {
        using var engine = Load(TestModels.GreyAnomaly);

        // A 32×32 square in a 128×128 image: a quarter of each side, 1/16 of the area.
        var result = engine.Infer(TestImages.GreyWithWhiteSquare(128, 128, 32)).DetectAnomalyResult;

        Assert.NotNull(result);
        Assert.True(result.IsAnomalous);
        Assert.True(result.AnomalyScore > 0.9f, $"score {result.AnomalyScore}");
        Assert.True(result.Confidence > 0.9f, $"confidence {result.Confidence}");
        var area = result.Anomalies!.Single(a => a.Name == "anomaly").PixelAnomaly!.TotalPercentageArea;
        Assert.InRange(area, 0.05f, 0.075f);
        using var mask = Cv2.ImDecode(Convert.FromBase64String(result.AnomalyMask!), ImreadModes.Color);
        Assert.Equal(new Size(64, 64), mask.Size());
        Assert.Equal(new Vec3b(0, 0, 255), mask.At<Vec3b>(32, 32));
        Assert.Equal(new Vec3b(0, 0, 0), mask.At<Vec3b>(2, 2));
    }

    [Fact]
    public void Infer_ResNet18_GivesA512DimensionalEmbeddingThatSeparatesImages()
    {
        using var engine = Load(TestModels.ResNet18Sample);

        var photo = engine.Infer(TestImages.PhotoLikeJpeg()).Embedding!;
        var again = engine.Infer(TestImages.PhotoLikeJpeg()).Embedding!;
        var grey = engine.Infer(TestImages.Solid(640, 480, (128, 128, 128), ".jpg")).Embedding!;

        Assert.Equal(512, photo.Length);
        Assert.Equal(photo, again);
        Assert.True(Cosine(photo, grey) < 0.95, $"cosine {Cosine(photo, grey)}");
        Assert.Equal(ModelTask.Embedding, TaskOf(engine));
        Assert.Equal(64, engine.Model.Sha256.Length);
    }

    [Fact]
    public void Infer_ResNet18_MatchesMlNetReferencePreprocessing()
    {
        // ML.NET feeds ResNet18 through ResNetPreprocess.onnx (RGB→BGR and a per-pixel mean image). Our manifest
        // uses the per-channel means; the embeddings must agree closely for the sample to be honest.
        using var engine = Load(TestModels.ResNet18Sample);
        var jpeg = TestImages.PhotoLikeJpeg();
        var ours = engine.Infer(jpeg).Embedding!;

        using var decoded = Cv2.ImDecode(jpeg, ImreadModes.Color);
        using var resized = new Mat();
        Cv2.Resize(decoded, resized, new Size(224, 224), 0, 0, InterpolationFlags.Area);
        var planarRgb = new float[3 * 224 * 224];
        for (var y = 0; y < 224; y++)
        {
            for (var x = 0; x < 224; x++)
            {
                var p = resized.At<Vec3b>(y, x);
                planarRgb[(y * 224) + x] = p.Item2;
                planarRgb[(224 * 224) + (y * 224) + x] = p.Item1;
                planarRgb[(2 * 224 * 224) + (y * 224) + x] = p.Item0;
            }
        }

        using var prep = new InferenceSession(TestModels.ResNetReferencePreprocess);
        using var resnet = new InferenceSession(Path.Combine(TestModels.ResNet18Sample, "model.onnx"));
        using var input = OrtValue.CreateTensorValueFromMemory(planarRgb, [1, 3, 224, 224]);
        using var prepared = prep.Run(new RunOptions(), ["OriginalInput"], [input], ["PreprocessedInput"]);
        using var features = resnet.Run(new RunOptions(), ["Input247"], [prepared[0]], ["Pooling395_Output_0"]);
        var reference = features[0].GetTensorDataAsSpan<float>().ToArray();

        Assert.True(Cosine(ours, reference) > 0.99, $"cosine {Cosine(ours, reference)}");
    }

    [Fact]
    public void Infer_Timings_AreMeasuredAndConsistent()
    {
        using var engine = Load(TestModels.ColorClassifier);

        var timings = engine.Infer(TestImages.PhotoLikeJpeg()).Timings;

        Assert.True(timings.DecodeMs > 0);
        Assert.True(timings.InferenceMs > 0);
        Assert.True(timings.TotalMs >= timings.DecodeMs + timings.PreprocessMs + timings.InferenceMs - 0.01);
    }

    [Fact]
    public void Infer_BadImageThenGoodImage_ErrorIsCodedAndNextRequestServed()
    {
        using var engine = Load(TestModels.ColorClassifier);

        var error = Assert.Throws<InferenceException>(() => engine.Infer(new byte[] { 1, 2, 3, 4, 5 }));
        var output = engine.Infer(TestImages.Solid(10, 10, (0, 0, 255)));

        Assert.Equal(ErrorCodes.InvalidImage, error.Code);
        Assert.Equal("blue", output.Classifications![0].Label);
    }

    [Fact]
    public void Load_Cpu_ReportsCpuProviderWithoutFallback()
    {
        using var engine = Load(TestModels.ColorClassifier, Accelerator.Cpu);

        Assert.Equal(ExecutionProviders.Cpu, engine.Model.ExecutionProvider.Active);
        Assert.Equal("cpu", engine.Model.ExecutionProvider.RequestedAccelerator);
        Assert.Null(engine.Model.ExecutionProvider.FallbackReason);
        Assert.True(engine.Model.WarmupMs > 0);
    }

    [Fact]
    public void Load_ModelInfo_CarriesProvenanceFromTheManifest()
    {
        using var engine = Load(TestModels.ColorClassifier);

        var provenance = engine.Model.ToProvenance();

        Assert.Equal("com.example.ColorClassifier", provenance.ComponentName);
        Assert.Equal("1.0.0", provenance.ComponentVersion);
        Assert.Equal("arn:aws:greengrass:us-east-1:123456789012:components:com.example.ColorClassifier:versions:1.0.0", provenance.ComponentVersionArn);
        Assert.Equal("1", provenance.ModelVersion);
        Assert.Equal(engine.Model.Sha256, provenance.Sha256);
        Assert.Equal("edge-inference-testmodels", engine.Model.OnnxMetadata!.ProducerName);
        Assert.Equal([1L, 3, 32, 32], engine.Model.Inputs.Single().Shape);
        Assert.Equal("float32", engine.Model.Inputs.Single().ElementType);
    }

    private static ModelTask TaskOf(OnnxInferenceEngine engine) => engine.Model.Task;

    private static double Cosine(float[] a, float[] b)
    {
        double dot = 0, na = 0, nb = 0;
        for (var i = 0; i < a.Length; i++)
        {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }

        return dot / Math.Sqrt(na * nb);
    }
}
