using System.Text.Json;
using System.Text.RegularExpressions;
using EdgeInference.Core.Packaging;

namespace EdgeInference.Packaging.Jobs;

/// <summary>
/// Lookout for Vision's StartModelPackagingJob rules (service model 2020-11-20 and the packaging guide): lengths, patterns,
/// enums, TargetDevice XOR TargetPlatform, CompilerOptions JSON and what NVIDIA needs. Every broken rule is reported at once.
/// </summary>
public static partial class PackagingRequestValidator
{
    public const string JetsonXavier = "jetson_xavier";
    private static readonly string[] NvidiaCompilerOptions = ["gpu-code", "trt-ver", "cuda-ver"];

    /// <exception cref="PackagingValidationException">One message listing every broken rule, each naming its field.</exception>
    public static void Validate(StartModelPackagingJobRequest request)
    {
        var errors = new List<string>();
        CheckProjectName(request.ProjectName, errors);
        if (string.IsNullOrEmpty(request.ModelVersion))
        {
            errors.Add("ModelVersion is required");
        }
        else if (!ModelVersionPattern().IsMatch(request.ModelVersion) || request.ModelVersion.Length > 10)
        {
            errors.Add($"ModelVersion '{request.ModelVersion}' must be a version number (1, 2, …) or 'latest'");
        }

        CheckOptional(request.JobName, "JobName", 64, JobNamePattern(), "letters, digits and '-'", errors);
        CheckOptional(request.Description, "Description", 256, DescriptionPattern(), "letters, digits, spaces and -_.()':,;?", errors);
        CheckOptional(request.ClientToken, "ClientToken", 64, ClientTokenPattern(), "letters, digits and '-'", errors);

        var greengrass = request.Configuration?.Greengrass;
        if (greengrass is null)
        {
            errors.Add("Configuration.Greengrass is required");
        }
        else
        {
            CheckGreengrass(greengrass, errors);
        }

        if (errors.Count > 0)
        {
            throw new PackagingValidationException(string.Join("; ", errors) + ".");
        }
    }

    public static void CheckProjectName(string? projectName, List<string> errors)
    {
        if (string.IsNullOrEmpty(projectName))
        {
            errors.Add("ProjectName is required");
        }
        else if (projectName.Length > 255 || !ProjectNamePattern().IsMatch(projectName))
        {
            errors.Add($"ProjectName '{projectName}' must be 1-255 letters, digits, '_' or '-', starting with a letter or digit");
        }
    }

    /// <exception cref="PackagingValidationException">The project name breaks the service's pattern.</exception>
    public static void ValidateProjectName(string? projectName)
    {
        var errors = new List<string>();
        CheckProjectName(projectName, errors);
        if (errors.Count > 0)
        {
            throw new PackagingValidationException(errors[0] + ".");
        }
    }

    /// <exception cref="PackagingValidationException">The job name breaks the service's pattern.</exception>
    public static void ValidateJobName(string? jobName)
    {
        var errors = new List<string>();
        if (string.IsNullOrEmpty(jobName))
        {
            errors.Add("JobName is required");
        }
        else
        {
            CheckOptional(jobName, "JobName", 64, JobNamePattern(), "letters, digits and '-'", errors);
        }

        if (errors.Count > 0)
        {
            throw new PackagingValidationException(errors[0] + ".");
        }
    }

    private static void CheckGreengrass(GreengrassConfiguration g, List<string> errors)
    {
        const string prefix = "Configuration.Greengrass.";
        if (string.IsNullOrEmpty(g.ComponentName))
        {
            errors.Add($"{prefix}ComponentName is required");
        }
        else if (g.ComponentName.Length > 128 || !ComponentNamePattern().IsMatch(g.ComponentName))
        {
            errors.Add($"{prefix}ComponentName '{g.ComponentName}' must be 1-128 characters of [a-zA-Z0-9-_.]");
        }
        else if (g.ComponentName.StartsWith("aws.greengrass", StringComparison.OrdinalIgnoreCase))
        {
            errors.Add($"{prefix}ComponentName must not start with 'aws.greengrass' (reserved for AWS-provided components)");
        }

        if (g.ComponentVersion is not null && !ComponentVersionPattern().IsMatch(g.ComponentVersion))
        {
            errors.Add($"{prefix}ComponentVersion '{g.ComponentVersion}' must be MAJOR.MINOR.PATCH with 1-6 digits each (e.g. 1.0.0)");
        }

        CheckOptional(g.ComponentDescription, $"{prefix}ComponentDescription", 256, DescriptionPattern(), "letters, digits, spaces and -_.()':,;?", errors);

        var hasDevice = g.TargetDevice is not null;
        var hasPlatform = g.TargetPlatform is not null;
        if (hasDevice && hasPlatform)
        {
            errors.Add($"{prefix}TargetDevice and {prefix}TargetPlatform are mutually exclusive: give one of them");
        }
        else if (!hasDevice && !hasPlatform)
        {
            errors.Add($"{prefix}TargetDevice or {prefix}TargetPlatform is required");
        }

        if (hasDevice && g.TargetDevice != JetsonXavier)
        {
            errors.Add($"{prefix}TargetDevice '{g.TargetDevice}' is not supported (the only value is '{JetsonXavier}')");
        }

        if (g.TargetPlatform is { } platform)
        {
            if (platform.Os is null)
            {
                errors.Add($"{prefix}TargetPlatform.Os is required (LINUX)");
            }
            else if (platform.Os != "LINUX")
            {
                errors.Add($"{prefix}TargetPlatform.Os '{platform.Os}' must be LINUX");
            }

            if (platform.Arch is null)
            {
                errors.Add($"{prefix}TargetPlatform.Arch is required (ARM64 or X86_64)");
            }
            else if (platform.Arch is not ("ARM64" or "X86_64"))
            {
                errors.Add($"{prefix}TargetPlatform.Arch '{platform.Arch}' must be ARM64 or X86_64");
            }

            if (platform.Accelerator is not null and not "NVIDIA")
            {
                errors.Add($"{prefix}TargetPlatform.Accelerator '{platform.Accelerator}' must be NVIDIA or absent (CPU)");
            }
        }

        CheckCompilerOptions(g, prefix, errors);
        CheckS3(g.S3OutputLocation, prefix, errors);
        CheckTags(g.Tags, prefix, errors);
    }

    private static void CheckCompilerOptions(GreengrassConfiguration g, string prefix, List<string> errors)
    {
        var field = $"{prefix}CompilerOptions";
        var nvidia = g.TargetPlatform?.Accelerator == "NVIDIA";
        if (g.CompilerOptions is null)
        {
            if (nvidia)
            {
                errors.Add($"{field} is required with TargetPlatform.Accelerator NVIDIA (give gpu-code, trt-ver and cuda-ver)");
            }

            return;
        }

        if (g.TargetDevice is not null)
        {
            errors.Add($"{field} must not be set with TargetDevice (the device fixes the compiler options)");
            return;
        }

        if (g.CompilerOptions.Length is < 3 or > 1024)
        {
            errors.Add($"{field} must be 3-1024 characters (got {g.CompilerOptions.Length})");
            return;
        }

        JsonElement options;
        try
        {
            using var document = JsonDocument.Parse(g.CompilerOptions);
            options = document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            errors.Add($"{field} is not valid JSON ({ex.Message})");
            return;
        }

        if (options.ValueKind != JsonValueKind.Object)
        {
            errors.Add($"{field} must be a JSON object such as {{\"gpu-code\": \"sm_72\", \"trt-ver\": \"7.1.3\", \"cuda-ver\": \"10.2\"}}");
            return;
        }

        if (nvidia)
        {
            var missing = NvidiaCompilerOptions.Where(k => !options.TryGetProperty(k, out var v) || v.ValueKind != JsonValueKind.String || v.GetString()!.Length == 0).ToList();
            if (missing.Count > 0)
            {
                errors.Add($"{field} for an NVIDIA accelerator needs {string.Join(", ", missing)} (e.g. {{\"gpu-code\": \"sm_72\", \"trt-ver\": \"7.1.3\", \"cuda-ver\": \"10.2\"}})");
            }
        }
    }

    private static void CheckS3(S3Location? location, string prefix, List<string> errors)
    {
        if (location is null)
        {
            errors.Add($"{prefix}S3OutputLocation is required");
            return;
        }

        if (string.IsNullOrEmpty(location.Bucket))
        {
            errors.Add($"{prefix}S3OutputLocation.Bucket is required");
        }
        else if (location.Bucket.Length is < 3 or > 63 || !BucketPattern().IsMatch(location.Bucket))
        {
            errors.Add($"{prefix}S3OutputLocation.Bucket '{location.Bucket}' must be 3-63 characters of [0-9A-Za-z.-_]");
        }

        if (location.Prefix is not null && (location.Prefix.Length > 1024 || !PrefixPattern().IsMatch(location.Prefix)))
        {
            errors.Add($"{prefix}S3OutputLocation.Prefix '{location.Prefix}' must be up to 1024 characters of [/a-zA-Z0-9!_.*'()-], not starting with '/'");
        }
    }

    private static void CheckTags(IReadOnlyList<Tag>? tags, string prefix, List<string> errors)
    {
        if (tags is null)
        {
            return;
        }

        if (tags.Count > 200)
        {
            errors.Add($"{prefix}Tags has {tags.Count} tags; the limit is 200");
        }

        for (var i = 0; i < tags.Count; i++)
        {
            var tag = tags[i];
            if (string.IsNullOrEmpty(tag.Key) || tag.Key.Length > 128 || !TagPattern().IsMatch(tag.Key))
            {
                errors.Add($"{prefix}Tags[{i}].Key must be 1-128 letters, digits, spaces or _.:/=+-@");
            }

            if (tag.Value is null || tag.Value.Length > 256 || !TagPattern().IsMatch(tag.Value))
            {
                errors.Add($"{prefix}Tags[{i}].Value is required: 0-256 letters, digits, spaces or _.:/=+-@");
            }
        }

        var duplicate = tags.GroupBy(t => t.Key).FirstOrDefault(g => g.Key is not null && g.Count() > 1);
        if (duplicate is not null)
        {
            errors.Add($"{prefix}Tags has the key '{duplicate.Key}' more than once");
        }
    }

    private static void CheckOptional(string? value, string field, int maxLength, Regex pattern, string allowed, List<string> errors)
    {
        if (value is null)
        {
            return;
        }

        if (value.Length == 0 || value.Length > maxLength || !pattern.IsMatch(value))
        {
            errors.Add($"{field} '{value}' must be 1-{maxLength} characters: {allowed}");
        }
    }

    [GeneratedRegex(@"^[a-zA-Z0-9][a-zA-Z0-9_\-]*\z")]
    private static partial Regex ProjectNamePattern();

    [GeneratedRegex(@"^([1-9][0-9]*|latest)\z")]
    private static partial Regex ModelVersionPattern();

    [GeneratedRegex(@"^[a-zA-Z0-9\-]+\z")]
    private static partial Regex JobNamePattern();

    [GeneratedRegex(@"^[a-zA-Z0-9_. ()':,;?\-]+\z")]
    private static partial Regex DescriptionPattern();

    [GeneratedRegex(@"^[a-zA-Z0-9\-]+\z")]
    private static partial Regex ClientTokenPattern();

    [GeneratedRegex(@"^[a-zA-Z0-9_.\-]+\z")]
    private static partial Regex ComponentNamePattern();

    [GeneratedRegex(@"^([0-9]{1,6})\.([0-9]{1,6})\.([0-9]{1,6})\z")]
    private static partial Regex ComponentVersionPattern();

    [GeneratedRegex(@"^[0-9A-Za-z.\-_]*\z")]
    private static partial Regex BucketPattern();

    [GeneratedRegex(@"^([a-zA-Z0-9!_.*'()-][/a-zA-Z0-9!_.*'()-]*)?\z")]
    private static partial Regex PrefixPattern();

    [GeneratedRegex(@"^[\p{L}\p{Z}\p{N}_.:/=+\-@]*\z")]
    private static partial Regex TagPattern();
}
