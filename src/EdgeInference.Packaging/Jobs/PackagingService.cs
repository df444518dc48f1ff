using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeInference.Core.Packaging;
using EdgeInference.Packaging.Models;
using EdgeInference.Packaging.Recipes;
using EdgeInference.Packaging.Store;

namespace EdgeInference.Packaging.Jobs;

/// <summary>
/// The Lookout-for-Vision-shaped operations over a <see cref="PackagingStore"/>: CreateModel, ListModels,
/// StartModelPackagingJob (creates the job; <see cref="PackagingJobRunner"/> runs it), DescribeModelPackagingJob and
/// ListModelPackagingJobs. The CLI and the REST endpoint both call this.
/// </summary>
public sealed class PackagingService(PackagingStore store, TimeProvider timeProvider)
{
    public const string PackagingMethod = "Greengrass";
    public const int MaxPageSize = 100;

    public PackagingStore Store => store;

    /// <summary>Registers the next model version of a project (the project is created on first use).</summary>
    public async Task<ModelRecord> CreateModelAsync(string projectName, string modelPath, string? manifestPath, string? description, CancellationToken cancellationToken = default)
    {
        PackagingRequestValidator.ValidateProjectName(projectName);
        if (description is { Length: 0 or > 500 })
        {
            throw new PackagingValidationException("Description must be 1-500 characters.");
        }

        // Read and check the package before taking the lock: nothing is written if it is bad.
        var staging = store.CreateStagingDirectory();
        try
        {
            var imported = ModelPackageImporter.Import(modelPath, manifestPath, Path.Combine(staging, PackagingStore.PackageFileName));
            using var storeLock = await store.LockAsync(cancellationToken).ConfigureAwait(false);
            var record = new ModelRecord
            {
                ProjectName = projectName,
                ModelVersion = store.NextModelVersion(projectName).ToString(System.Globalization.CultureInfo.InvariantCulture),
                CreationTimestamp = timeProvider.GetUtcNow(),
                Description = description,
                ModelFile = imported.ModelFile,
                ModelSha256 = imported.ModelSha256,
                PackageSha256 = imported.PackageSha256,
                Task = imported.Manifest.Task.ToString().ToLowerInvariant(),
                ModelName = imported.Manifest.Name,
                Source = Path.GetFullPath(modelPath),
            };
            store.CommitModel(record, staging);
            return record;
        }
        catch
        {
            AtomicFile.TryDeleteDirectory(staging);
            throw;
        }
    }

    public IReadOnlyList<ModelRecord> ListModels(string projectName)
    {
        RequireProject(projectName);
        return store.ListModels(projectName);
    }

    /// <summary>Creates a CREATED job, or returns the job an earlier call with the same client token created.</summary>
    public async Task<JobStart> StartJobAsync(StartModelPackagingJobRequest request, JobRunSettings run, CancellationToken cancellationToken = default)
    {
        PackagingRequestValidator.Validate(request);
        var projectName = request.ProjectName!;
        var fingerprint = Fingerprint(request);

        using var storeLock = await store.LockAsync(cancellationToken).ConfigureAwait(false);
        RequireProject(projectName);
        var modelVersion = ResolveModelVersion(projectName, request.ModelVersion!);
        var projectJobs = store.ListJobs(projectName);

        if (request.ClientToken is { } token && projectJobs.FirstOrDefault(j => j.ClientToken == token) is { } earlier)
        {
            return earlier.RequestFingerprint == fingerprint
                ? new JobStart(earlier, Created: false)
                : throw new PackagingConflictException(
                    $"The client token '{token}' was used for job {earlier.Description.JobName} with different parameters.")
                {
                    ResourceId = earlier.Description.JobName,
                    ResourceType = ResourceTypes.ModelPackageJob,
                };
        }

        var jobName = request.JobName ?? GenerateJobName(projectName, modelVersion);
        if (store.TryGetJob(projectName, jobName) is not null)
        {
            throw new PackagingConflictException($"A model packaging job named '{jobName}' already exists in project {projectName}.")
            {
                ResourceId = jobName,
                ResourceType = ResourceTypes.ModelPackageJob,
            };
        }

        var greengrass = request.Configuration!.Greengrass!;
        var description = new ModelPackagingDescription
        {
            JobName = jobName,
            ProjectName = projectName,
            ModelVersion = modelVersion,
            ModelPackagingConfiguration = request.Configuration,
            ModelPackagingJobDescription = request.Description,
            ModelPackagingMethod = PackagingMethod,
            Status = ModelPackagingJobStatus.CREATED,
            CreationTimestamp = timeProvider.GetUtcNow(),
            LastUpdatedTimestamp = timeProvider.GetUtcNow(),
        };
        var componentVersion = ModelComponentRecipe.ComponentVersionOf(description);
        var clash = store.ListAllJobs().FirstOrDefault(j =>
            j.Description.Status != ModelPackagingJobStatus.FAILED
            && j.Description.ModelPackagingConfiguration?.Greengrass?.ComponentName == greengrass.ComponentName
            && ModelComponentRecipe.ComponentVersionOf(j.Description) == componentVersion);
        if (clash is not null)
        {
            throw new PackagingConflictException(
                $"Component {greengrass.ComponentName} version {componentVersion} already exists (job {clash.Description.JobName} in project {clash.Description.ProjectName}); "
                + "set Configuration.Greengrass.ComponentVersion to a new version.")
            {
                ResourceId = clash.Description.JobName,
                ResourceType = ResourceTypes.ModelPackageJob,
            };
        }

        var record = new JobRecord
        {
            Description = description,
            ClientToken = request.ClientToken,
            RequestFingerprint = fingerprint,
            ResolvedModelVersion = modelVersion,
            Run = run,
        };
        store.CreateJob(record);
        return new JobStart(record, Created: true);
    }

    public JobRecord DescribeJob(string projectName, string jobName)
    {
        PackagingRequestValidator.ValidateProjectName(projectName);
        PackagingRequestValidator.ValidateJobName(jobName);
        RequireProject(projectName);
        return store.TryGetJob(projectName, jobName)
            ?? throw new PackagingResourceNotFoundException($"Model packaging job {jobName} not found in project {projectName}.")
            {
                ResourceId = jobName,
                ResourceType = ResourceTypes.ModelPackageJob,
            };
    }

    /// <summary>One page of jobs, oldest first; the token is the base64 offset of the next page.</summary>
    public ListModelPackagingJobsResponse ListJobs(string projectName, int? maxResults, string? nextToken)
    {
        PackagingRequestValidator.ValidateProjectName(projectName);
        if (maxResults is < 1 or > MaxPageSize)
        {
            throw new PackagingValidationException($"MaxResults must be 1-{MaxPageSize} (got {maxResults}).");
        }

        RequireProject(projectName);
        var offset = DecodeToken(nextToken);
        var jobs = store.ListJobs(projectName);
        var page = jobs.Skip(offset).Take(maxResults ?? MaxPageSize).Select(j => ModelPackagingJobMetadata.From(j.Description)).ToList();
        var next = offset + page.Count < jobs.Count ? EncodeToken(offset + page.Count) : null;
        return new ListModelPackagingJobsResponse(page, next);
    }

    private void RequireProject(string projectName)
    {
        if (!store.ProjectExists(projectName))
        {
            throw new PackagingResourceNotFoundException($"Project {projectName} not found (create-model creates it).")
            {
                ResourceId = projectName,
                ResourceType = ResourceTypes.Project,
            };
        }
    }

    private string ResolveModelVersion(string projectName, string modelVersion)
    {
        if (modelVersion == "latest")
        {
            return store.ListModels(projectName).LastOrDefault()?.ModelVersion
                ?? throw new PackagingResourceNotFoundException($"Project {projectName} has no model versions.")
                {
                    ResourceId = projectName,
                    ResourceType = ResourceTypes.Model,
                };
        }

        return store.TryGetModel(projectName, modelVersion) is not null
            ? modelVersion
            : throw new PackagingResourceNotFoundException($"Model version {modelVersion} not found in project {projectName}.")
            {
                ResourceId = modelVersion,
                ResourceType = ResourceTypes.Model,
            };
    }

    private string GenerateJobName(string projectName, string modelVersion)
    {
        var stem = new string(projectName.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray());
        var suffix = $"-{modelVersion}-{timeProvider.GetUtcNow():yyyyMMddHHmmss}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3))}";
        return stem[..Math.Min(stem.Length, 64 - suffix.Length)] + suffix;
    }

    private static string Fingerprint(StartModelPackagingJobRequest request)
    {
        var node = new JsonObject
        {
            ["ProjectName"] = request.ProjectName,
            ["ModelVersion"] = request.ModelVersion,
            ["JobName"] = request.JobName,
            ["Description"] = request.Description,
            ["Configuration"] = JsonSerializer.SerializeToNode(request.Configuration, PackagingJsonContext.Default.ModelPackagingConfiguration),
        };
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(node.ToJsonString())));
    }

    private static string EncodeToken(int offset) =>
        Convert.ToBase64String(Encoding.ASCII.GetBytes($"offset:{offset}"));

    private static int DecodeToken(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return 0;
        }

        try
        {
            var text = Encoding.ASCII.GetString(Convert.FromBase64String(token));
            if (text.StartsWith("offset:", StringComparison.Ordinal) && int.TryParse(text.AsSpan(7), out var offset) && offset >= 0)
            {
                return offset;
            }
        }
        catch (FormatException)
        {
        }

        throw new PackagingValidationException($"NextToken '{token}' is not a token this service returned.");
    }
}

/// <param name="Created">False when a retry with the same client token found the earlier job.</param>
public sealed record JobStart(JobRecord Job, bool Created);
