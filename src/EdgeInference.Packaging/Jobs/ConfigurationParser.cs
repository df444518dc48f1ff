using System.Text.Json;
using System.Text.Json.Serialization;
using EdgeInference.Core.Packaging;
using EdgeInference.Packaging.Store;

namespace EdgeInference.Packaging.Jobs;

/// <summary>Reads <c>--configuration</c> (JSON text or <c>file://PATH</c>) and request bodies; unknown fields are refused, as the AWS CLI does.</summary>
public static class ConfigurationParser
{
    private static readonly PackagingJsonContext Strict = new(new JsonSerializerOptions(PackagingJsonContext.Default.Options)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    });

    /// <exception cref="PackagingValidationException">Not JSON, an unknown field, or an unreadable file.</exception>
    public static ModelPackagingConfiguration Parse(string value)
    {
        var json = value;
        if (value.StartsWith("file://", StringComparison.Ordinal))
        {
            var path = value["file://".Length..];
            try
            {
                json = File.ReadAllText(path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new PackagingValidationException($"--configuration {value}: {ex.Message}", ex);
            }
        }

        try
        {
            return JsonSerializer.Deserialize(json, Strict.ModelPackagingConfiguration)
                ?? throw new PackagingValidationException("Configuration is required ({\"Greengrass\": {...}}).");
        }
        catch (JsonException ex)
        {
            throw new PackagingValidationException($"Configuration is not valid: {ex.Message}", ex);
        }
    }

    /// <exception cref="PackagingValidationException">The body is not a StartModelPackagingJob request.</exception>
    public static StartModelPackagingJobBody ParseStartBody(string json)
    {
        try
        {
            return JsonSerializer.Deserialize(string.IsNullOrWhiteSpace(json) ? "{}" : json, Strict.StartModelPackagingJobBody)
                ?? throw new PackagingValidationException("The request body is empty.");
        }
        catch (JsonException ex)
        {
            throw new PackagingValidationException($"The request body is not valid: {ex.Message}", ex);
        }
    }
}
