using System.Text.Json;
using System.Text.Json.Serialization;
using EdgeInference.LookoutVision.Evaluation;
using EdgeInference.LookoutVision.Shapes;
using EdgeInference.LookoutVision.Store;

namespace EdgeInference.LookoutVision;

/// <summary>Source-generated JSON for the store files and Lookout-for-Vision-shaped replies: PascalCase, nulls omitted.</summary>
[JsonSourceGenerationOptions(
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    PropertyNameCaseInsensitive = true,
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    WriteIndented = true)]
[JsonSerializable(typeof(ProjectRecord))]
[JsonSerializable(typeof(DatasetRecord))]
[JsonSerializable(typeof(List<DatasetItem>))]
[JsonSerializable(typeof(TrainingRecord))]
[JsonSerializable(typeof(CreateProjectResponse))]
[JsonSerializable(typeof(DescribeProjectResponse))]
[JsonSerializable(typeof(ListProjectsResponse))]
[JsonSerializable(typeof(DeleteProjectResponse))]
[JsonSerializable(typeof(CreateProjectBody))]
[JsonSerializable(typeof(CreateDatasetResponse))]
[JsonSerializable(typeof(DescribeDatasetResponse))]
[JsonSerializable(typeof(ListDatasetEntriesResponse))]
[JsonSerializable(typeof(CreateDatasetBody))]
[JsonSerializable(typeof(DatasetSourceShape))]
[JsonSerializable(typeof(LookoutCreateModelResponse))]
[JsonSerializable(typeof(LookoutListModelsResponse))]
[JsonSerializable(typeof(DescribeModelResponse))]
[JsonSerializable(typeof(DeleteModelResponse))]
[JsonSerializable(typeof(CreateModelBody))]
[JsonSerializable(typeof(StartModelBody))]
[JsonSerializable(typeof(ModelHostingStatusResponse))]
[JsonSerializable(typeof(DetectAnomaliesResponse))]
[JsonSerializable(typeof(EvaluationResultFile))]
[JsonSerializable(typeof(EvaluateResponse))]
[JsonSerializable(typeof(List<AnomalyBenchRow>))]
public sealed partial class LookoutVisionJsonContext : JsonSerializerContext;
