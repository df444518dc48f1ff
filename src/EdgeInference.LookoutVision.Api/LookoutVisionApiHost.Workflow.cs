using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using EdgeInference.LookoutVision;
using EdgeInference.LookoutVision.Datasets;
using EdgeInference.LookoutVision.Models;
using EdgeInference.LookoutVision.Shapes;
using EdgeInference.Packaging;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace EdgeInference.LookoutVision.Api;

/// <summary>The project, dataset, model and DetectAnomalies routes (paths and bodies as botocore's lookoutvision model has them).</summary>
public sealed partial class LookoutVisionApiHost
{
    private const string ProjectsRoute = "/2020-11-20/projects";
    private const string ProjectRoute = ProjectsRoute + "/{projectName}";
    private const string DatasetsRoute = ProjectRoute + "/datasets";
    private const string DatasetRoute = DatasetsRoute + "/{datasetType}";
    private const string ModelsRoute = ProjectRoute + "/models";
    private const string ModelRoute = ModelsRoute + "/{modelVersion}";
    private const int MaxImageBytes = 8 * 1024 * 1024;

    private readonly LookoutVisionService _workflow;
    private readonly ConcurrentDictionary<Task, byte> _trainings = new();

    private void MapWorkflowRoutes()
    {
        _app.MapPost(ProjectsRoute, c => HandleAsync(c, CreateProjectAsync));
        _app.MapGet(ProjectsRoute, c => HandleAsync(c, ctx => Json(ctx, _workflow.ListProjects(MaxResults(ctx), Query(ctx, "nextToken")), LookoutVisionJsonContext.Default.ListProjectsResponse)));
        _app.MapGet(ProjectRoute, c => HandleAsync(c, ctx => Json(ctx, new DescribeProjectResponse(_workflow.DescribeProject(Route(ctx, "projectName"))), LookoutVisionJsonContext.Default.DescribeProjectResponse)));
        _app.MapDelete(ProjectRoute, c => HandleAsync(c, async ctx => await Json(ctx, new DeleteProjectResponse(await _workflow.DeleteProjectAsync(Route(ctx, "projectName"), ctx.RequestAborted).ConfigureAwait(false)), LookoutVisionJsonContext.Default.DeleteProjectResponse).ConfigureAwait(false)));

        _app.MapPost(DatasetsRoute, c => HandleAsync(c, CreateDatasetAsync));
        _app.MapGet(DatasetRoute, c => HandleAsync(c, ctx => Json(ctx, new DescribeDatasetResponse(_workflow.DescribeDataset(Route(ctx, "projectName"), Route(ctx, "datasetType"))), LookoutVisionJsonContext.Default.DescribeDatasetResponse)));
        _app.MapDelete(DatasetRoute, c => HandleAsync(c, async ctx =>
        {
            await _workflow.DeleteDatasetAsync(Route(ctx, "projectName"), Route(ctx, "datasetType"), ctx.RequestAborted).ConfigureAwait(false);
            await WriteJsonAsync(ctx, StatusCodes.Status200OK, "{}"u8.ToArray()).ConfigureAwait(false);
        }));
        _app.MapGet(DatasetRoute + "/entries", c => HandleAsync(c, ListDatasetEntriesAsync));

        _app.MapPost(ModelsRoute, c => HandleAsync(c, CreateModelAsync));
        _app.MapGet(ModelsRoute, c => HandleAsync(c, ctx => Json(ctx, _workflow.ListModels(Route(ctx, "projectName"), MaxResults(ctx), Query(ctx, "nextToken")), LookoutVisionJsonContext.Default.LookoutListModelsResponse)));
        _app.MapGet(ModelRoute, c => HandleAsync(c, ctx => Json(ctx, new DescribeModelResponse(_workflow.DescribeModel(Route(ctx, "projectName"), Route(ctx, "modelVersion"))), LookoutVisionJsonContext.Default.DescribeModelResponse)));
        _app.MapDelete(ModelRoute, c => HandleAsync(c, async ctx => await Json(ctx, new DeleteModelResponse(await _workflow.DeleteModelAsync(Route(ctx, "projectName"), Route(ctx, "modelVersion"), ctx.RequestAborted).ConfigureAwait(false)), LookoutVisionJsonContext.Default.DeleteModelResponse).ConfigureAwait(false)));
        _app.MapPost(ModelRoute + "/start", c => HandleAsync(c, ctx => Json(ctx, new ModelHostingStatusResponse(_workflow.StartModel(Route(ctx, "projectName"), Route(ctx, "modelVersion"))), LookoutVisionJsonContext.Default.ModelHostingStatusResponse)));
        _app.MapPost(ModelRoute + "/stop", c => HandleAsync(c, ctx => Json(ctx, new ModelHostingStatusResponse(_workflow.StopModel(Route(ctx, "projectName"), Route(ctx, "modelVersion"))), LookoutVisionJsonContext.Default.ModelHostingStatusResponse)));
        _app.MapPost(ModelRoute + "/detect", c => HandleAsync(c, DetectAnomaliesAsync));
    }

    private async Task CreateProjectAsync(HttpContext context)
    {
        var body = await ReadBodyAsync(context, LookoutVisionJsonContext.Default.CreateProjectBody).ConfigureAwait(false);
        var metadata = await _workflow.CreateProjectAsync(body?.ProjectName ?? string.Empty, context.RequestAborted).ConfigureAwait(false);
        await Json(context, new CreateProjectResponse(metadata), LookoutVisionJsonContext.Default.CreateProjectResponse).ConfigureAwait(false);
    }

    private async Task CreateDatasetAsync(HttpContext context)
    {
        var body = await ReadBodyAsync(context, LookoutVisionJsonContext.Default.CreateDatasetBody).ConfigureAwait(false);
        var s3 = body?.DatasetSource?.GroundTruthManifest?.S3Object
            ?? throw new PackagingValidationException("DatasetSource.GroundTruthManifest.S3Object is required here (an empty dataset cannot be labelled on this endpoint).");
        var metadata = await _workflow.CreateDatasetAsync(Route(context, "projectName"), body.DatasetType, new DatasetInput { S3Manifest = s3 }, context.RequestAborted).ConfigureAwait(false);
        await Json(context, new CreateDatasetResponse(metadata), LookoutVisionJsonContext.Default.CreateDatasetResponse).ConfigureAwait(false);
    }

    private Task ListDatasetEntriesAsync(HttpContext context)
    {
        var filter = new DatasetEntryFilter
        {
            Labeled = Query(context, "labeled") is { } labeled ? bool.Parse(labeled) : null,
            AnomalyClass = Query(context, "anomalyClass"),
            SourceRefContains = Query(context, "sourceRefContains"),
            CreatedBefore = Timestamp(Query(context, "createdBefore")),
            CreatedAfter = Timestamp(Query(context, "createdAfter")),
        };
        var page = _workflow.ListDatasetEntries(Route(context, "projectName"), Route(context, "datasetType"), filter, MaxResults(context), Query(context, "nextToken"));
        return Json(context, page, LookoutVisionJsonContext.Default.ListDatasetEntriesResponse);
    }

    /// <summary>Reserves the version (TRAINING) and trains in the background; DescribeModel shows TRAINED or TRAINING_FAILED.</summary>
    private async Task CreateModelAsync(HttpContext context)
    {
        var body = await ReadBodyAsync(context, LookoutVisionJsonContext.Default.CreateModelBody).ConfigureAwait(false);
        var project = Route(context, "projectName");
        var training = await _workflow.CreateModelAsync(project, new CreateModelRequest { Description = body?.Description, OutputConfig = body?.OutputConfig, KmsKeyId = body?.KmsKeyId }, context.RequestAborted).ConfigureAwait(false);
        var run = Task.Run(async () =>
        {
            using (training)
            {
                var record = await training.RunAsync(cancellationToken: _stopping.Token).ConfigureAwait(false);
                LookoutVisionApiLog.TrainingFinished(_logger, project, record.Description.ModelVersion!, record.Description.Status!, record.Description.StatusMessage);
            }
        });
        _trainings.TryAdd(run, 0);
        _ = run.ContinueWith(t => _trainings.TryRemove(t, out _), TaskScheduler.Default);
        await Json(context, new LookoutCreateModelResponse(training.Metadata), LookoutVisionJsonContext.Default.LookoutCreateModelResponse).ConfigureAwait(false);
    }

    private async Task DetectAnomaliesAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted).ConfigureAwait(false);
        if (buffer.Length > MaxImageBytes)
        {
            throw new PackagingValidationException($"The image is {buffer.Length} bytes; at most {MaxImageBytes} are accepted.");
        }

        var result = _workflow.DetectAnomalies(Route(context, "projectName"), Route(context, "modelVersion"), buffer.ToArray(),
            context.Request.ContentType ?? string.Empty, context.RequestAborted);
        await Json(context, new DetectAnomaliesResponse(result), LookoutVisionJsonContext.Default.DetectAnomaliesResponse).ConfigureAwait(false);
    }

    private async Task StopTrainingsAsync()
    {
        try
        {
            await Task.WhenAll(_trainings.Keys).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static async Task<T?> ReadBodyAsync<T>(HttpContext context, JsonTypeInfo<T> typeInfo)
    {
        using var reader = new StreamReader(context.Request.Body);
        var text = await reader.ReadToEndAsync(context.RequestAborted).ConfigureAwait(false);
        try
        {
            return string.IsNullOrWhiteSpace(text) ? default : JsonSerializer.Deserialize(text, typeInfo);
        }
        catch (JsonException ex)
        {
            throw new PackagingValidationException($"The request body is not valid JSON: {ex.Message}", ex);
        }
    }

    private static Task Json<T>(HttpContext context, T value, JsonTypeInfo<T> typeInfo) =>
        WriteJsonAsync(context, StatusCodes.Status200OK, JsonSerializer.SerializeToUtf8Bytes(value, typeInfo));

    private static string Route(HttpContext context, string name) => RouteValue(context, name);

    private static string? Query(HttpContext context, string name) => context.Request.Query[name].FirstOrDefault();

    private static int? MaxResults(HttpContext context) =>
        Query(context, "maxResults") is { } text
            ? int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : throw new PackagingValidationException($"maxResults '{text}' must be a number.")
            : null;

    private static DateTimeOffset? Timestamp(string? text) =>
        text is null ? null
        : double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) ? DateTimeOffset.FromUnixTimeMilliseconds((long)(seconds * 1000))
        : DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed) ? parsed
        : throw new PackagingValidationException($"'{text}' is not a timestamp.");
}
