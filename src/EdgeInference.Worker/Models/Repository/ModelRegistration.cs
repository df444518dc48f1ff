using System.Text.Json.Serialization;
using EdgeInference.Core.Json;

namespace EdgeInference.Worker.Models.Repository;

/// <summary>A model component's entry in the model repository: which package it asks the worker to serve, under which name.</summary>
public sealed record ModelRegistration
{
    public const int CurrentSchemaVersion = 1;

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;

    /// <summary>The model component's name (one registration per component).</summary>
    public required string Component { get; init; }

    /// <summary>The model component's version, when known (from its <c>{artifacts:path}</c>).</summary>
    public string? ComponentVersion { get; init; }

    /// <summary>The name requests address the model by.</summary>
    public required string ModelName { get; init; }

    /// <summary>The unpacked model package folder (or .zip).</summary>
    public required string Package { get; init; }

    /// <summary>Changes with every registration, so the registrant can tell its answer from an older one.</summary>
    public required string RegistrationId { get; init; }

    [JsonConverter(typeof(EpochSecondsConverter))]
    public DateTimeOffset? RegisteredAt { get; init; }
}

/// <summary>The worker's answer to a registration.</summary>
public sealed record RegistrationStatus
{
    public required string RegistrationId { get; init; }

    /// <summary><c>LOADED</c> or <c>FAILED</c>.</summary>
    public required string Status { get; init; }

    public string? StatusMessage { get; init; }

    public string? ModelName { get; init; }

    public string? Sha256 { get; init; }

    [JsonConverter(typeof(EpochSecondsConverter))]
    public DateTimeOffset? UpdatedAt { get; init; }

    public const string Loaded = "LOADED";
    public const string Failed = "FAILED";
}

[JsonSourceGenerationOptions(WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, PropertyNameCaseInsensitive = true)]
[JsonSerializable(typeof(ModelRegistration))]
[JsonSerializable(typeof(RegistrationStatus))]
internal sealed partial class RepositoryJsonContext : JsonSerializerContext;
