using System.Text.Json;
using System.Text.Json.Serialization;
using EdgeInference.Core.Packaging;
using EdgeInference.Packaging.Store;

namespace EdgeInference.Packaging;

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
public sealed partial class PackagingJsonContext : JsonSerializerContext;
