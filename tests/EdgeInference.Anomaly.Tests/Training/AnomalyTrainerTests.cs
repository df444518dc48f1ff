using EdgeInference.Anomaly.Graphs;
using EdgeInference.Anomaly.Synthetic;
using EdgeInference.Anomaly.Training;
using EdgeInference.Core.Manifest;
using EdgeInference.Testing.Packaging;
using OpenCvSharp;
using Xunit;

namespace EdgeInference.Anomaly.Tests.Training;

/// <summary>Training on a tiny synthetic set (96×72 images, 22 normal + 9 anomalous): the graph separates the defects it never saw.</summary>
public sealed class AnomalyTrainerTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static List<LabeledImage> Dataset(int normal, int anomalous)
    {
        var generator = new SyntheticPartImages(96, 72, seed: 11);
        var images = new List<LabeledImage>();
        var defects = Enum.GetValues<SyntheticDefect>();
        for (var i = 0; i < normal + anomalous; i++)
        {
            var anomalousImage = i >= normal;
            var (image, mask) = generator.Draw(i, anomalousImage ? defects[i % defects.Length] : null);
            using (image)
            using (mask)
            {
                Cv2.ImEncode(".png", image, out var png);
                var pixels = new bool[96 * 72];
                for (var p = 0; p < pixels.Length; p++)
                {
                    pixels[p] = mask.At<byte>(p / 96, p % 96) > 0;
                }

                images.Add(new LabeledImage($"img{i}.png", anomalousImage, () => png, anomalousImage ? new BinaryMask(96, 72, pixels) : null));
            }
        }

        return images;
    }

    [Fact]
    public void Train_TinySyntheticParts_SeparatesHeldOutDefectsAndWritesAServablePackage()
    {
        var stages = new List<string>();
        var trainer = new AnomalyTrainer(new TrainingOptions { Name = "parts", MaxMemoryBank = 512 });

        var model = trainer.Train(Dataset(22, 9), [], new InlineProgress<TrainingProgress>(p => stages.Add(p.Stage)));

        Assert.Equal([AnomalyTrainer.FeatureStage, AnomalyTrainer.MemoryStage, AnomalyTrainer.CalibrationStage, AnomalyTrainer.EvaluationStage], stages.Distinct());
        Assert.Equal(CalibrationResult.F1Optimal, model.Calibration.Method);
        Assert.True(model.Test.ImageAuroc >= 0.9, $"image AUROC {model.Test.ImageAuroc}");
        Assert.True(model.Test.PixelAuroc >= 0.8, $"pixel AUROC {model.Test.PixelAuroc}");
        Assert.InRange(model.MemoryBankSize, 1, 512);
        Assert.Equal(18, model.Split.Memory.Count);

        var package = _temp.Combine("package");
        model.WritePackage(package);
        var manifest = Onnx.Packages.ModelPackage.Open(package).Manifest;
        Assert.Equal(ModelTask.Anomaly, manifest.Task);
        Assert.Equal(0.5f, manifest.AnomalyThreshold);
        Assert.Equal([OutputRole.AnomalyScore, OutputRole.AnomalyMap], manifest.Outputs.Select(o => o.Role));
        Assert.Contains(model.Model.MetadataProps, p => p.Key == "edge-inference.raw-threshold");
    }

    [Fact]
    public void Train_PaDiMOnAlignedTinyParts_SeparatesHeldOutDefectsWithHeldOutCalibrationNormals()
    {
        var model = new AnomalyTrainer(new TrainingOptions { Method = AnomalyMethod.Padim }).Train(Dataset(22, 9), []);

        Assert.True(model.Test.ImageAuroc >= 0.9, $"image AUROC {model.Test.ImageAuroc}");
        Assert.Equal(0, model.MemoryBankSize);
        Assert.Contains(model.Split.Calibration, i => !i.IsAnomalous);
        Assert.Contains(model.Model.MetadataProps, p => p.Key == "edge-inference.method" && p.Value == "padim");
    }

    [Fact]
    public void Train_MissingBackbone_NamesTheFile()
    {
        var trainer = new AnomalyTrainer(new TrainingOptions { BackbonePath = _temp.Combine("nope.onnx") });

        var error = Assert.Throws<AnomalyTrainingException>(() => trainer.Train(Dataset(20, 2), []));

        Assert.Contains("nope.onnx", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Train_UndecodableImage_NamesIt()
    {
        var images = Dataset(20, 2);
        images[0] = images[0] with { Source = "broken.png", Load = () => "not an image"u8.ToArray() };
        var trainer = new AnomalyTrainer(new TrainingOptions());

        var error = Assert.Throws<AnomalyDataException>(() => trainer.Train(images, []));

        Assert.StartsWith("broken.png:", error.Message, StringComparison.Ordinal);
    }

    private sealed class InlineProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
