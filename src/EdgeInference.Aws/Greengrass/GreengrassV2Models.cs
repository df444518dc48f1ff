using System.Text.Json;
using System.Text.Json.Serialization;

namespace EdgeInference.Aws.Greengrass;

/// <summary>GreengrassV2 <c>CloudComponentState</c> values.</summary>
public static class CloudComponentState
{
    public const string Requested = "REQUESTED";
    public const string Initiated = "INITIATED";
    public const string Deployable = "DEPLOYABLE";
    public const string Failed = "FAILED";
    public const string Deprecated = "DEPRECATED";
}

public sealed record CloudComponentStatus
{
    public string? ComponentState { get; init; }
    public string? Message { get; init; }
    public IReadOnlyDictionary<string, string>? Errors { get; init; }
}

/// <summary>Reply of CreateComponentVersion (and the common part of DescribeComponent).</summary>
public sealed record ComponentVersionDescription
{
    public string? Arn { get; init; }
    public string? ComponentName { get; init; }
    public string? ComponentVersion { get; init; }
    public JsonElement? CreationTimestamp { get; init; }
    public string? Publisher { get; init; }
    public string? Description { get; init; }
    public CloudComponentStatus? Status { get; init; }
}

public sealed record ComponentVersionListItem
{
    public string? ComponentName { get; init; }
    public string? ComponentVersion { get; init; }
    public string? Arn { get; init; }
}

public sealed record ListComponentVersionsReply
{
    public IReadOnlyList<ComponentVersionListItem>? ComponentVersions { get; init; }
    public string? NextToken { get; init; }
}

/// <summary>The body of a REST-JSON error reply.</summary>
public sealed record AwsErrorBody
{
    public string? Message { get; init; }

    [JsonPropertyName("Message")]
    public string? MessageUpper { get; init; }

    [JsonPropertyName("__type")]
    public string? Type { get; init; }

    [JsonPropertyName("code")]
    public string? Code { get; init; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, PropertyNameCaseInsensitive = false)]
[JsonSerializable(typeof(ComponentVersionDescription))]
[JsonSerializable(typeof(ListComponentVersionsReply))]
[JsonSerializable(typeof(AwsErrorBody))]
public sealed partial class GreengrassJsonContext : JsonSerializerContext;
