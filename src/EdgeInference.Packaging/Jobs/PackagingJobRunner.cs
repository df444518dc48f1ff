using System.Diagnostics;
using System.Text.Json.Nodes;
using EdgeInference.Components.Publish;
using EdgeInference.Core.Packaging;
using EdgeInference.Packaging.Recipes;
using EdgeInference.Packaging.Store;

namespace EdgeInference.Packaging.Jobs;

/// <summary>
/// Runs a CREATED job: RUNNING, builds the model component in GDK's layout (staged, then renamed into the job folder),
/// publishes it when the job asks to, then SUCCEEDED with the output details — or FAILED with the reason, leaving no build output.
/// </summary>
public sealed class PackagingJobRunner(
    PackagingStore store,
    TimeProvider timeProvider,
    Func<PublishEndpoints, string, IComponentPublisher> publisherFactory,
    TextWriter? log = null)
{
    public async Task<JobRecord> RunAsync(string projectName, string jobName, CancellationToken cancellationToken = default)
    {
        JobRecord job;
        using (await store.LockAsync(cancellationToken).ConfigureAwait(false))
        {
            job = store.TryGetJob(projectName, jobName)
                ?? throw new PackagingResourceNotFoundException($"Model packaging job {jobName} not found in project {projectName}.");
            if (job.Description.Status != ModelPackagingJobStatus.CREATED)
            {
                return job;
            }

            job = WithStatus(job, ModelPackagingJobStatus.RUNNING, statusMessage: null);
            store.UpdateJob(job);
        }

        var buildDirectory = store.JobBuildDirectory(projectName, jobName);
        var staging = AtomicFile.CreateStagingDirectory(buildDirectory);
        var built = false;
        try
        {
            var outputDetails = await BuildAndPublishAsync(job, staging, cancellationToken).ConfigureAwait(false);
            AtomicFile.PublishDirectory(staging, buildDirectory);
            built = true;
            var message = $"Model component {outputDetails.ComponentName} {outputDetails.ComponentVersion} written to {buildDirectory}"
                + (outputDetails.ComponentVersionArn is { } arn ? $" and published as {arn}." : ".");
            if (job.Run.OutputDirectory is { } outputDirectory)
            {
                CopyToOutput(buildDirectory, outputDirectory);
                message += $" Copied to {Path.Combine(Path.GetFullPath(outputDirectory), PackagingStore.BuildFolderName)}.";
            }

            job = WithStatus(job, ModelPackagingJobStatus.SUCCEEDED, message);
            job = job with
            {
                Description = job.Description with
                {
                    ModelPackagingOutputDetails = new ModelPackagingOutputDetails { Greengrass = outputDetails },
                },
            };
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The job is the boundary: any failure becomes a FAILED job with the reason, and no build output.
            AtomicFile.TryDeleteDirectory(staging);
            if (built)
            {
                AtomicFile.TryDeleteDirectory(buildDirectory);
            }

            var reason = ex is OperationCanceledException ? "The job was cancelled." : ex.Message;
            job = WithStatus(job, ModelPackagingJobStatus.FAILED, reason);
        }

        store.UpdateJob(job);
        return job;
    }

    private async Task<GreengrassOutputDetails> BuildAndPublishAsync(JobRecord job, string buildRoot, CancellationToken cancellationToken)
    {
        var description = job.Description;
        var greengrass = description.ModelPackagingConfiguration!.Greengrass!;
        var componentName = greengrass.ComponentName!;
        var componentVersion = ModelComponentRecipe.ComponentVersionOf(description);
        var package = store.ModelPackagePath(description.ProjectName!, job.ResolvedModelVersion);
        if (!File.Exists(package))
        {
            throw new PackagingResourceNotFoundException($"The package of model version {job.ResolvedModelVersion} is missing from the store ({package}).");
        }

        // The stored package must be the one create-model checked: a changed byte fails the job rather than ship it.
        var model = store.TryGetModel(description.ProjectName!, job.ResolvedModelVersion)
            ?? throw new PackagingResourceNotFoundException($"Model version {job.ResolvedModelVersion} is missing from the store.");
        string actual;
        await using (var stream = new FileStream(package, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan))
        {
            actual = Convert.ToHexStringLower(await System.Security.Cryptography.SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false));
        }

        if (!string.Equals(actual, model.PackageSha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new PackagingValidationException(
                $"The stored package of model version {job.ResolvedModelVersion} ({package}) has SHA-256 {actual}, but create-model recorded {model.PackageSha256}: "
                + "it changed after it was checked. Create a new model version from the original package.");
        }

        // The recipe carries the description as the component will serve it: done, with the component it became.
        var served = description with
        {
            Status = ModelPackagingJobStatus.SUCCEEDED,
            StatusMessage = null,
            LastUpdatedTimestamp = timeProvider.GetUtcNow(),
            ModelPackagingOutputDetails = new ModelPackagingOutputDetails
            {
                Greengrass = new GreengrassOutputDetails { ComponentName = componentName, ComponentVersion = componentVersion },
            },
        };
        JsonObject recipe = ModelComponentRecipe.Build(served, job.Run.WorkerComponentName, job.Run.WorkerVersionRequirement);
        var recipeBytes = ModelComponentRecipe.Serialize(recipe, job.Run.RecipeFormat);

        var recipes = Directory.CreateDirectory(Path.Combine(buildRoot, "recipes"));
        var artifacts = Directory.CreateDirectory(Path.Combine(buildRoot, "artifacts", componentName, componentVersion));
        await File.WriteAllBytesAsync(Path.Combine(recipes.FullName, ModelComponentRecipe.FileName(componentName, componentVersion, job.Run.RecipeFormat)), recipeBytes, cancellationToken).ConfigureAwait(false);
        File.Copy(package, Path.Combine(artifacts.FullName, ModelComponentOptions.ArtifactFileName));

        if (job.Run.Publish is not { } publish)
        {
            return new GreengrassOutputDetails { ComponentName = componentName, ComponentVersion = componentVersion };
        }

        var endpoints = new PublishEndpoints(publish.S3Endpoint, publish.GreengrassEndpoint, publish.StsEndpoint, publish.S3ForcePathStyle);
        var publisher = publisherFactory(endpoints, publish.Region);
        var tags = greengrass.Tags?.Where(t => t.Key is not null).ToDictionary(t => t.Key!, t => t.Value ?? string.Empty);
        var request = new ComponentPublishRequest(
            buildRoot,
            componentName,
            componentVersion,
            greengrass.S3OutputLocation!.Bucket!,
            BucketIsVerbatim: true,
            greengrass.S3OutputLocation.Prefix,
            publish.Region,
            endpoints,
            tags);
        var progress = log is null ? null : new Progress<string>(line => log.WriteLine(line));
        var started = Stopwatch.GetTimestamp();
        var published = await publisher.PublishAsync(request, progress, cancellationToken).ConfigureAwait(false);
        log?.WriteLine($"Published {published.ComponentVersionArn} ({published.ComponentState}) in {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s.");
        return new GreengrassOutputDetails
        {
            ComponentVersionArn = published.ComponentVersionArn,
            ComponentName = published.ComponentName,
            ComponentVersion = published.ComponentVersion,
        };
    }

    private static void CopyToOutput(string buildDirectory, string outputDirectory)
    {
        var target = Path.Combine(Path.GetFullPath(outputDirectory), PackagingStore.BuildFolderName);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var staging = AtomicFile.CreateStagingDirectory(target);
        try
        {
            AtomicFile.CopyDirectory(buildDirectory, staging);
            AtomicFile.PublishDirectory(staging, target);
        }
        catch
        {
            AtomicFile.TryDeleteDirectory(staging);
            throw;
        }
    }

    private JobRecord WithStatus(JobRecord job, ModelPackagingJobStatus status, string? statusMessage) => job with
    {
        Description = job.Description with
        {
            Status = status,
            StatusMessage = statusMessage,
            LastUpdatedTimestamp = timeProvider.GetUtcNow(),
        },
    };
}
