using System.Text.Json;
using System.Text.Json.Serialization;
using EdgeInference.Core.Manifest;
using EdgeInference.Core.Packaging;
using EdgeInference.Core.Results;

namespace EdgeInference.Core.Json;

/// <summary>Source-generated JSON for every contract type: PascalCase names, nulls omitted.</summary>
[JsonSourceGenerationOptions(
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    RespectNullableAnnotations = true,
    PropertyNameCaseInsensitive = true,
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(ModelPackagingDescription))]
[JsonSerializable(typeof(DescribeModelPackagingJobResponse))]
[JsonSerializable(typeof(ModelManifest))]
[JsonSerializable(typeof(InferenceResult))]
[JsonSerializable(typeof(ErrorReply))]
[JsonSerializable(typeof(DescribeReply))]
[JsonSerializable(typeof(WorkerStatus))]
[JsonSerializable(typeof(MetricsReport))]
public sealed partial class CoreJsonContext : JsonSerializerContext
{
    private static CoreJsonContext? _indented;

    /// <summary>The same contract, pretty-printed (CLI output, files people read).</summary>
    public static CoreJsonContext Indented =>
        _indented ??= new CoreJsonContext(new JsonSerializerOptions(Default.Options) { WriteIndented = true });
}
