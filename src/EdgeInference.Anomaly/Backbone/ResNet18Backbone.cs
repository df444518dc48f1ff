using EdgeInference.Core.Manifest;

namespace EdgeInference.Anomaly.Backbone;

/// <summary>
/// The bundled pretrained ResNet18 (NuGet Microsoft.ML.DnnImageFeaturizer.ResNet18 0.23.1, CNTK export, opset 8):
/// input <c>Input247</c> [1,3,224,224] BGR in 0–255 minus the Caffe channel means. Its stride-8 stage (layer2, 128×28×28)
/// ends at <c>ReLU315_Output_0</c> and its stride-16 stage (layer3, 256×14×14) at <c>ReLU347_Output_0</c>: the last ReLU
/// before each stage's stride-2 convolution (checked against the shapes when a graph is built).
/// </summary>
public static class ResNet18Backbone
{
    public const string InputName = "Input247";
    public const string Stride8Output = "ReLU315_Output_0";
    public const string Stride16Output = "ReLU347_Output_0";
    public const int Stride8Channels = 128;
    public const int Stride16Channels = 256;
    public const int InputSize = 224;

    /// <summary>The file the build copies next to the assembly (see the csproj).</summary>
    public const string RelativePath = "models/backbones/resnet18/ResNet18.onnx";

    /// <summary>How images are fed to the backbone: as ML.NET feeds it (BGR, 0–255, channel means), stretched to 224×224.</summary>
    public static ModelInputSpec InputSpec(string inputName) => new()
    {
        Name = inputName,
        ElementType = "float32",
        Layout = TensorLayout.NCHW,
        Width = InputSize,
        Height = InputSize,
        ColorOrder = ColorOrder.BGR,
        Scale = 1f,
        Mean = [103.06f, 115.90f, 123.15f],
        Std = [1f, 1f, 1f],
        ResizeMode = ResizeMode.Stretch,
    };

    /// <summary><paramref name="explicitPath"/>, else <c>$EDGE_INFERENCE_BACKBONE</c>, else the copy beside this assembly.</summary>
    /// <exception cref="AnomalyTrainingException">The file is missing.</exception>
    public static string Locate(string? explicitPath = null)
    {
        var path = explicitPath is { Length: > 0 }
            ? explicitPath
            : Environment.GetEnvironmentVariable("EDGE_INFERENCE_BACKBONE") is { Length: > 0 } fromEnvironment
                ? fromEnvironment
                : Path.Combine(AppContext.BaseDirectory, RelativePath);
        return File.Exists(path)
            ? path
            : throw new AnomalyTrainingException($"The ResNet18 backbone is missing at {path} (the build copies it from NuGet Microsoft.ML.DnnImageFeaturizer.ResNet18 0.23.1).");
    }
}
