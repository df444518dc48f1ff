using System.Text.Json;
using System.Text.Json.Serialization;
using EdgeInference.Cli.Packaging.Store;
using EdgeInference.Core.Packaging;

namespace EdgeInference.Cli.Packaging;

/// <summary>Source-generated JSON for the store files and the service-shaped replies: PascalCase, nulls omitted.</summary>
[JsonSourceGenerationOptions(
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    PropertyNameCaseInsensitive = true,
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    WriteIndented = true,
    UseStringEnumConverter = true)]
[JsonSerializable(typeof(ModelRecord))]
[JsonSerializable(typeof(JobRecord))]
[JsonSerializable(typeof(CreateModelResponse))]
[JsonSerializable(typeof(ListModelsResponse))]
[JsonSerializable(typeof(StartModelPackagingJobResponse))]
[JsonSerializable(typeof(ListModelPackagingJobsResponse))]
[JsonSerializable(typeof(StartModelPackagingJobBody))]
[JsonSerializable(typeof(ServiceErrorBody))]
[JsonSerializable(typeof(ModelPackagingConfiguration))]
[JsonSerializable(typeof(ModelPackagingDescription))]
internal sealed partial class PackagingJsonContext : JsonSerializerContext;
