using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace EdgeInference.Packaging.Store;

/// <summary>
/// Projects, model versions and packaging jobs as JSON files under one folder:
/// <c>projects/&lt;P&gt;/models/&lt;N&gt;/{model.json,package.zip}</c> and <c>projects/&lt;P&gt;/jobs/&lt;J&gt;/{job.json,greengrass-build/}</c>.
/// Every file is written atomically; changes that read-then-write run under <see cref="LockAsync"/>.
/// </summary>
public sealed class PackagingStore
{
    public const string EnvironmentVariable = "EDGE_INFERENCE_STORE";
    private const string ModelFileName = "model.json";
    private const string JobFileName = "job.json";
    public const string PackageFileName = "package.zip";
    public const string BuildFolderName = "greengrass-build";

    public PackagingStore(string root) => Root = Path.GetFullPath(root);

    public string Root { get; }

    /// <summary><c>--store</c>, else <c>$EDGE_INFERENCE_STORE</c>, else <c>~/.edge-inference/store</c>.</summary>
    public static string ResolveRoot(string? option)
    {
        if (!string.IsNullOrWhiteSpace(option))
        {
            return option;
        }

        var fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        return !string.IsNullOrWhiteSpace(fromEnvironment)
            ? fromEnvironment
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".edge-inference", "store");
    }

    public Task<StoreLock> LockAsync(CancellationToken cancellationToken = default) =>
        StoreLock.AcquireAsync(Path.Combine(Root, ".lock"), TimeProvider.System, StoreLock.DefaultTimeout, cancellationToken);

    public string ProjectDirectory(string projectName) => Path.Combine(Root, "projects", projectName);

    public bool ProjectExists(string projectName) => Directory.Exists(ProjectDirectory(projectName));

    public IEnumerable<string> ListProjects()
    {
        var projects = Path.Combine(Root, "projects");
        return Directory.Exists(projects)
            ? Directory.EnumerateDirectories(projects).Select(Path.GetFileName).OfType<string>().Where(n => !n.StartsWith('.'))
            : [];
    }

    public string ModelDirectory(string projectName, string modelVersion) =>
        Path.Combine(ProjectDirectory(projectName), "models", modelVersion);

    public string ModelPackagePath(string projectName, string modelVersion) =>
        Path.Combine(ModelDirectory(projectName, modelVersion), PackageFileName);

    public ModelRecord? TryGetModel(string projectName, string modelVersion) =>
        StoreJson.ReadIfExists(Path.Combine(ModelDirectory(projectName, modelVersion), ModelFileName), PackagingJsonContext.Default.ModelRecord);

    public IReadOnlyList<ModelRecord> ListModels(string projectName)
    {
        var models = Path.Combine(ProjectDirectory(projectName), "models");
        if (!Directory.Exists(models))
        {
            return [];
        }

        return Directory.EnumerateDirectories(models)
            .Select(d => StoreJson.ReadIfExists(Path.Combine(d, ModelFileName), PackagingJsonContext.Default.ModelRecord))
            .OfType<ModelRecord>()
            .OrderBy(m => int.TryParse(m.ModelVersion, out var n) ? n : int.MaxValue)
            .ToList();
    }

    /// <summary>The next version number (1, 2, …) for a project; call under the lock.</summary>
    public int NextModelVersion(string projectName)
    {
        var models = Path.Combine(ProjectDirectory(projectName), "models");
        if (!Directory.Exists(models))
        {
            return 1;
        }

        var highest = Directory.EnumerateDirectories(models)
            .Select(Path.GetFileName)
            .Select(n => int.TryParse(n, out var v) ? v : 0)
            .DefaultIfEmpty(0)
            .Max();
        return highest + 1;
    }

    /// <summary>Moves a filled staging folder (model.json + package.zip) into place as version <paramref name="record"/>.</summary>
    public void CommitModel(ModelRecord record, string stagingDirectory)
    {
        StoreJson.Write(Path.Combine(stagingDirectory, ModelFileName), record, PackagingJsonContext.Default.ModelRecord);
        var target = ModelDirectory(record.ProjectName, record.ModelVersion);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        Directory.Move(stagingDirectory, target);
    }

    /// <summary>Writes a version's <c>model.json</c> into its existing folder (a trained model, whose package.zip is already in place).</summary>
    public void WriteModelRecord(ModelRecord record) =>
        StoreJson.Write(Path.Combine(ModelDirectory(record.ProjectName, record.ModelVersion), ModelFileName), record, PackagingJsonContext.Default.ModelRecord);

    /// <summary>A staging folder inside the store (same file system, so the final rename is atomic).</summary>
    public string CreateStagingDirectory()
    {
        var staging = Path.Combine(Root, ".staging", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(staging);
        return staging;
    }

    public string JobDirectory(string projectName, string jobName) => Path.Combine(ProjectDirectory(projectName), "jobs", jobName);

    public string JobBuildDirectory(string projectName, string jobName) => Path.Combine(JobDirectory(projectName, jobName), BuildFolderName);

    public JobRecord? TryGetJob(string projectName, string jobName) =>
        StoreJson.ReadIfExists(Path.Combine(JobDirectory(projectName, jobName), JobFileName), PackagingJsonContext.Default.JobRecord);

    public IReadOnlyList<JobRecord> ListJobs(string projectName)
    {
        var jobs = Path.Combine(ProjectDirectory(projectName), "jobs");
        if (!Directory.Exists(jobs))
        {
            return [];
        }

        return Directory.EnumerateDirectories(jobs)
            .Where(d => !Path.GetFileName(d).StartsWith('.'))
            .Select(d => StoreJson.ReadIfExists(Path.Combine(d, JobFileName), PackagingJsonContext.Default.JobRecord))
            .OfType<JobRecord>()
            .OrderBy(j => j.Description.CreationTimestamp)
            .ThenBy(j => j.Description.JobName, StringComparer.Ordinal)
            .ToList();
    }

    public IEnumerable<JobRecord> ListAllJobs() => ListProjects().SelectMany(ListJobs);

    /// <summary>Creates a job's folder with its first <c>job.json</c> in one rename; call under the lock.</summary>
    public void CreateJob(JobRecord record)
    {
        var target = JobDirectory(record.Description.ProjectName!, record.Description.JobName!);
        var staging = CreateStagingDirectory();
        try
        {
            StoreJson.Write(Path.Combine(staging, JobFileName), record, PackagingJsonContext.Default.JobRecord);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            Directory.Move(staging, target);
        }
        catch
        {
            AtomicFile.TryDeleteDirectory(staging);
            throw;
        }
    }

    /// <summary>Replaces a job's <c>job.json</c> atomically (status transitions).</summary>
    public void UpdateJob(JobRecord record) =>
        StoreJson.Write(Path.Combine(JobDirectory(record.Description.ProjectName!, record.Description.JobName!), JobFileName), record, PackagingJsonContext.Default.JobRecord);
}
