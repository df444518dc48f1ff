using System.Text.Json.Serialization;
using EdgeInference.Core.Json;

namespace EdgeInference.LookoutVision.Shapes;

public sealed record ProjectMetadata
{
    public string? ProjectArn { get; init; }
    public string? ProjectName { get; init; }

    [JsonConverter(typeof(EpochSecondsConverter))]
    public DateTimeOffset? CreationTimestamp { get; init; }
}

public sealed record CreateProjectResponse(ProjectMetadata ProjectMetadata);

public sealed record ProjectDescription
{
    public string? ProjectArn { get; init; }
    public string? ProjectName { get; init; }

    [JsonConverter(typeof(EpochSecondsConverter))]
    public DateTimeOffset? CreationTimestamp { get; init; }

    public IReadOnlyList<DatasetMetadata> Datasets { get; init; } = [];
}

public sealed record DescribeProjectResponse(ProjectDescription ProjectDescription);

public sealed record ListProjectsResponse(IReadOnlyList<ProjectMetadata> Projects, string? NextToken = null);

public sealed record DeleteProjectResponse(string ProjectArn);

/// <summary>The CreateProject / CreateDataset / CreateModel request bodies (the project name of the last two is in the path).</summary>
public sealed record CreateProjectBody
{
    public string? ProjectName { get; init; }
}
