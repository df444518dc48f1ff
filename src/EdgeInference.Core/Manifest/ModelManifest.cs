using System.Text.Json.Serialization;
using EdgeInference.Core.Json;
using EdgeInference.Core.Packaging;

namespace EdgeInference.Core.Manifest;

/// <summary>
/// <c>manifest.json</c> of a model package: what the model does, how to feed it and how to read it.
/// A package is a folder or a .zip holding <c>model.onnx</c> and this file.
/// </summary>
public sealed record ModelManifest
{
    public const string FileName = "manifest.json";
    public const string DefaultModelFileName = "model.onnx";
    public const int CurrentSchemaVersion = 1;

    /// <summary>Manifest format version (default and only value today: 1).</summary>
    public int? SchemaVersion { get; init; }

    /// <summary>A short human name for the model (defaults to the package folder name).</summary>
    public string? Name { get; init; }

    public required ModelTask Task { get; init; }

    /// <summary>The ONNX file inside the package (default <c>model.onnx</c>).</summary>
    public string? ModelFile { get; init; }

    public required ModelInputSpec Input { get; init; }

    public required IReadOnlyList<ModelOutputSpec> Outputs { get; init; }

    /// <summary>Class labels, in score order (classification).</summary>
    public IReadOnlyList<string>? Labels { get; init; }

    /// <summary>How many classifications a result carries (default 5, capped by the label count).</summary>
    public int? TopK { get; init; }

    /// <summary>Apply softmax to the Scores output (for models that emit logits).</summary>
    public bool ApplySoftmax { get; init; }

    /// <summary>Image-level score at or above which an image is anomalous (anomaly task).</summary>
    public float? AnomalyThreshold { get; init; }

    /// <summary>Per-pixel value at or above which a pixel is anomalous (default: <see cref="AnomalyThreshold"/>).</summary>
    public float? PixelAnomalyThreshold { get; init; }

    /// <summary>L2-normalise the embedding (embedding task).</summary>
    public bool NormalizeEmbedding { get; init; }

    /// <summary>
    /// Whether the model batches: the most images one run may take (default 1: one at a time). Above 1, a model whose
    /// batch dimension is fixed at 1 gets a symbolic one when it is packaged (create-model, packaging jobs), or when it
    /// is loaded if it was not, and the load proves a full batch runs.
    /// </summary>
    public int? MaxBatchSize { get; init; }

    /// <summary>The batch limit in force (<see cref="MaxBatchSize"/> or 1).</summary>
    [JsonIgnore]
    public int EffectiveMaxBatchSize => MaxBatchSize ?? 1;

    /// <summary>The Lookout-for-Vision-shaped packaging metadata this package was produced with.</summary>
    public ModelPackagingDescription? ModelPackagingDescription { get; init; }
}

[JsonConverter(typeof(StrictEnumConverter<ModelTask>))]
public enum ModelTask
{
    [JsonStringEnumMemberName("classification")] Classification,
    [JsonStringEnumMemberName("anomaly")] Anomaly,
    [JsonStringEnumMemberName("embedding")] Embedding,
}

public sealed record ModelInputSpec
{
    public required string Name { get; init; }

    /// <summary>Tensor element type; only <c>float32</c> (the default) is served today.</summary>
    public string? ElementType { get; init; }

    public TensorLayout Layout { get; init; } = TensorLayout.NCHW;

    /// <summary>Model input width and height in pixels.</summary>
    public required int Width { get; init; }

    public required int Height { get; init; }

    public ColorOrder ColorOrder { get; init; } = ColorOrder.RGB;

    /// <summary>Each 0–255 pixel value is multiplied by this first (default 1/255, for 0–1 inputs).</summary>
    public float? Scale { get; init; }

    /// <summary>The scale in force: <see cref="Scale"/> or 1/255.</summary>
    public float EffectiveScale => Scale ?? (1f / 255f);

    /// <summary>Per-channel mean subtracted after scaling, in <see cref="ColorOrder"/>.</summary>
    public IReadOnlyList<float>? Mean { get; init; }

    /// <summary>Per-channel standard deviation divided after the mean, in <see cref="ColorOrder"/>.</summary>
    public IReadOnlyList<float>? Std { get; init; }

    public ResizeMode ResizeMode { get; init; } = ResizeMode.Stretch;
}

public sealed record ModelOutputSpec
{
    public required string Name { get; init; }
    public required OutputRole Role { get; init; }

    /// <summary>Tensor element type; only <c>float32</c> (the default) is served today.</summary>
    public string? ElementType { get; init; }
}

[JsonConverter(typeof(StrictEnumConverter<TensorLayout>))]
public enum TensorLayout
{
    NCHW,
    NHWC,
}

[JsonConverter(typeof(StrictEnumConverter<ColorOrder>))]
public enum ColorOrder
{
    RGB,
    BGR,
}

[JsonConverter(typeof(StrictEnumConverter<ResizeMode>))]
public enum ResizeMode
{
    /// <summary>Scale both axes to the input size (aspect ratio not kept).</summary>
    [JsonStringEnumMemberName("stretch")] Stretch,
    /// <summary>Scale the short side to fit, crop the centre (ML.NET IsoCrop).</summary>
    [JsonStringEnumMemberName("center-crop")] CenterCrop,
    /// <summary>Scale the long side to fit and pad with black.</summary>
    [JsonStringEnumMemberName("letterbox")] Letterbox,
}

[JsonConverter(typeof(StrictEnumConverter<OutputRole>))]
public enum OutputRole
{
    /// <summary>Class scores [1, C] (probabilities, or logits with ApplySoftmax).</summary>
    Scores,
    /// <summary>Image-level anomaly score (any shape with one element).</summary>
    AnomalyScore,
    /// <summary>Per-pixel anomaly map [1, 1, H, W] or [1, H, W].</summary>
    AnomalyMap,
    /// <summary>Feature vector (any shape; flattened).</summary>
    Embedding,
}

public static class ModelTaskExtensions
{
    /// <summary>The task's name as manifests and describe replies spell it (<c>classification</c>, <c>anomaly</c>, <c>embedding</c>).</summary>
    public static string ToJsonName(this ModelTask task) => task switch
    {
        ModelTask.Classification => "classification",
        ModelTask.Anomaly => "anomaly",
        ModelTask.Embedding => "embedding",
        _ => task.ToString().ToLowerInvariant(),
    };
}
