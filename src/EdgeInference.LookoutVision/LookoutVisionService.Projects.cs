using EdgeInference.LookoutVision.Shapes;
using EdgeInference.LookoutVision.Store;
using EdgeInference.Packaging;
using EdgeInference.Packaging.Jobs;
using EdgeInference.Packaging.Store;

namespace EdgeInference.LookoutVision;

public sealed partial class LookoutVisionService
{
    public async Task<ProjectMetadata> CreateProjectAsync(string project, CancellationToken cancellationToken = default)
    {
        PackagingRequestValidator.ValidateProjectName(project);
        using var storeLock = await _store.Packaging.LockAsync(cancellationToken).ConfigureAwait(false);
        if (_store.Packaging.ProjectExists(project))
        {
            throw new PackagingConflictException($"Project {project} already exists.") { ResourceId = project, ResourceType = ResourceTypes.Project };
        }

        var record = new ProjectRecord { ProjectName = project, CreationTimestamp = Time.GetUtcNow() };
        _store.WriteProject(record);
        return Metadata(record);
    }

    public ProjectDescription DescribeProject(string project)
    {
        var record = RequireProject(project);
        return new ProjectDescription
        {
            ProjectArn = LookoutArns.Project(project),
            ProjectName = project,
            CreationTimestamp = record.CreationTimestamp,
            Datasets = _store.ListDatasets(project).Select(d => DatasetMetadataOf(d.Description)).ToList(),
        };
    }

    public ListProjectsResponse ListProjects(int? maxResults = null, string? nextToken = null)
    {
        var all = _store.Packaging.ListProjects().Order(StringComparer.Ordinal).Select(p => _store.TryGetProject(p)).OfType<ProjectRecord>().Select(Metadata).ToList();
        var (page, next) = Paging.Take(all, maxResults, nextToken);
        return new ListProjectsResponse(page, next);
    }

    /// <summary>Deletes a project and its datasets; its models must be deleted first (as the service required).</summary>
    public async Task<string> DeleteProjectAsync(string project, CancellationToken cancellationToken = default)
    {
        RequireProject(project);
        using var storeLock = await _store.Packaging.LockAsync(cancellationToken).ConfigureAwait(false);
        var models = _store.ListModelVersions(project);
        if (models.Count > 0)
        {
            throw new PackagingConflictException($"Project {project} still has models ({string.Join(", ", models)}): delete them first.")
            {
                ResourceId = project,
                ResourceType = ResourceTypes.Project,
            };
        }

        var directory = _store.ProjectDirectory(project);
        var doomed = directory + $".{Guid.NewGuid():N}.deleted";
        Directory.Move(directory, doomed);
        AtomicFile.TryDeleteDirectory(doomed);
        return LookoutArns.Project(project);
    }

    private static ProjectMetadata Metadata(ProjectRecord record) => new()
    {
        ProjectArn = LookoutArns.Project(record.ProjectName),
        ProjectName = record.ProjectName,
        CreationTimestamp = record.CreationTimestamp,
    };
}
