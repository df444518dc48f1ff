using System.Net;
using System.Text.Json;
using System.Threading.Channels;
using EdgeInference.Core.Json;
using EdgeInference.Core.Packaging;
using EdgeInference.LookoutVision.Api.Security;
using EdgeInference.LookoutVision;
using EdgeInference.LookoutVision.Datasets;
using EdgeInference.Onnx;
using EdgeInference.Packaging;
using EdgeInference.Packaging.Jobs;
using EdgeInference.Packaging.Store;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace EdgeInference.LookoutVision.Api;

/// <summary>
/// Lookout for Vision's REST routes (2020-11-20) on Kestrel, over a <see cref="PackagingStore"/>, so
/// <c>aws lookoutvision … --endpoint-url</c> works unchanged: model packaging here, projects/datasets/models/detect in
/// <c>LookoutVisionApiHost.Workflow.cs</c> (trainings run in the background, one per project). Every request must carry a valid
/// SigV4 signature (service <c>lookoutvision</c>) by the one configured key pair (<see cref="ApiSecurity"/>) and an AWS JSON
/// content type (images for DetectAnomalies); anything else is refused before it reaches a route. Started jobs run
/// one at a time on a background loop this host owns; disposing it stops the listener and waits for the running job.
/// </summary>
public sealed partial class LookoutVisionApiHost : IAsyncDisposable
{
    private const string JobsRoute = "/2020-11-20/projects/{projectName}/modelpackagingjobs";
    private readonly WebApplication _app;
    private readonly Channel<(string Project, string Job)> _queue = Channel.CreateUnbounded<(string, string)>();
    private readonly CancellationTokenSource _stopping = new();
    private readonly PackagingService _service;
    private readonly PackagingJobRunner _runner;
    private readonly JobRunSettings _runSettings;
    private readonly ILogger _logger;
    private readonly SigV4Verifier _verifier;
    private Task _jobLoop = Task.CompletedTask;

    private LookoutVisionApiHost(WebApplication app, PackagingStore store, JobRunSettings runSettings, PackagingDependencies dependencies, ApiSecurity security, S3Settings? s3)
    {
        _verifier = new SigV4Verifier(security, dependencies.TimeProvider);
        _workflow = new LookoutVisionService(store, new LookoutVisionDependencies
        {
            TimeProvider = dependencies.TimeProvider,
            S3 = s3,
            EngineLoader = new OnnxEngineLoader(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger<OnnxEngineLoader>()),
        });
        _app = app;
        _runSettings = runSettings;
        _service = new PackagingService(store, dependencies.TimeProvider);
        _runner = new PackagingJobRunner(store, dependencies.TimeProvider, dependencies.PublisherFactory);
        _logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("EdgeInference.LookoutVisionApi");
    }

    /// <summary>The bound address, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public Uri Url { get; private set; } = null!;

    public static async Task<LookoutVisionApiHost> StartAsync(
        string host, int port, PackagingStore store, JobRunSettings runSettings, PackagingDependencies dependencies, ApiSecurity security,
        CancellationToken cancellationToken = default, S3Settings? s3 = null)
    {
        ArgumentNullException.ThrowIfNull(security);
        if (!IPAddress.TryParse(host, out var address))
        {
            throw new PackagingValidationException($"--host '{host}' must be an IP address (127.0.0.1 by default).");
        }

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.WebHost.UseKestrel(o => o.Listen(address, port));
        var app = builder.Build();
        var apiHost = new LookoutVisionApiHost(app, store, runSettings, dependencies, security, s3);
        apiHost.MapRoutes();
        LookoutVisionApiLog.SigningKey(apiHost._logger, security.Credentials.AccessKeyId, security.Credentials.Source);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        apiHost.Url = new Uri(bound);
        apiHost._jobLoop = apiHost.RunJobsAsync(apiHost._stopping.Token);
        return apiHost;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await _jobLoop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        await StopTrainingsAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _workflow.Dispose();
        _stopping.Dispose();
    }

    private void MapRoutes()
    {
        _app.Use(next => context => AuthenticateAsync(context, next));
        _app.MapPost(JobsRoute, context => HandleAsync(context, StartAsync));
        _app.MapGet(JobsRoute + "/{jobName}", context => HandleAsync(context, DescribeAsync));
        _app.MapGet(JobsRoute, context => HandleAsync(context, ListAsync));
        MapWorkflowRoutes();
        _app.MapFallback(context => WriteErrorAsync(context, StatusCodes.Status404NotFound, "UnknownOperationException",
            new ServiceErrorBody($"No Lookout for Vision operation at {context.Request.Method} {context.Request.Path}.")));
    }

    private async Task StartAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = ConfigurationParser.ParseStartBody(await reader.ReadToEndAsync(context.RequestAborted).ConfigureAwait(false));
        var request = new StartModelPackagingJobRequest
        {
            ProjectName = RouteValue(context, "projectName"),
            ModelVersion = body.ModelVersion,
            JobName = body.JobName,
            Configuration = body.Configuration,
            Description = body.Description,
            ClientToken = context.Request.Headers["X-Amzn-Client-Token"].FirstOrDefault(),
        };
        var start = await _service.StartJobAsync(request, _runSettings, context.RequestAborted).ConfigureAwait(false);
        if (start.Created)
        {
            await _queue.Writer.WriteAsync((request.ProjectName!, start.Job.Description.JobName!), context.RequestAborted).ConfigureAwait(false);
        }

        await WriteJsonAsync(context, StatusCodes.Status200OK,
            JsonSerializer.SerializeToUtf8Bytes(new StartModelPackagingJobResponse(start.Job.Description.JobName!), PackagingJsonContext.Default.StartModelPackagingJobResponse)).ConfigureAwait(false);
    }

    private Task DescribeAsync(HttpContext context)
    {
        var job = _service.DescribeJob(RouteValue(context, "projectName"), RouteValue(context, "jobName"));
        var reply = new DescribeModelPackagingJobResponse { ModelPackagingDescription = job.Description };
        return WriteJsonAsync(context, StatusCodes.Status200OK, JsonSerializer.SerializeToUtf8Bytes(reply, CoreJsonContext.Default.DescribeModelPackagingJobResponse));
    }

    private Task ListAsync(HttpContext context)
    {
        var maxResultsText = context.Request.Query["maxResults"].FirstOrDefault();
        int? maxResults = null;
        if (maxResultsText is not null)
        {
            maxResults = int.TryParse(maxResultsText, out var parsed)
                ? parsed
                : throw new PackagingValidationException($"maxResults '{maxResultsText}' must be a number 1-{PackagingService.MaxPageSize}.");
        }

        var page = _service.ListJobs(RouteValue(context, "projectName"), maxResults, context.Request.Query["nextToken"].FirstOrDefault());
        return WriteJsonAsync(context, StatusCodes.Status200OK, JsonSerializer.SerializeToUtf8Bytes(page, PackagingJsonContext.Default.ListModelPackagingJobsResponse));
    }

    private async Task HandleAsync(HttpContext context, Func<HttpContext, Task> handler)
    {
        context.Response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();
        try
        {
            await handler(context).ConfigureAwait(false);
        }
        catch (PackagingException ex)
        {
            await WriteErrorAsync(context, ex.HttpStatusCode, ex.ErrorType, new ServiceErrorBody(ex.Message, ex.ResourceId, ex.ResourceType)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            LookoutVisionApiLog.RequestFailed(_logger, context.Request.Method, context.Request.Path, ex);
            await WriteErrorAsync(context, StatusCodes.Status500InternalServerError, "InternalServerException", new ServiceErrorBody(ex.Message)).ConfigureAwait(false);
        }
    }

    /// <summary>The signature, then the content type; a refusal is answered here and the route never runs.</summary>
    private async Task AuthenticateAsync(HttpContext context, RequestDelegate next)
    {
        context.Response.Headers["x-amzn-RequestId"] = Guid.NewGuid().ToString();
        var request = context.Request;
        request.EnableBuffering();
        byte[] hash;
        using (var sha = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256))
        {
            var buffer = new byte[64 * 1024];
            int read;
            long total = 0;
            // An unsigned request is refused without reading (or buffering) its body.
            var signed = request.Headers.Authorization.Count > 0;
            while (signed && (read = await request.Body.ReadAsync(buffer, context.RequestAborted).ConfigureAwait(false)) > 0)
            {
                sha.AppendData(buffer, 0, read);
                total += read;
            }

            hash = sha.GetHashAndReset();
            request.Body.Position = 0;
            var rawTarget = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? request.Path.Value ?? "/";
            var question = rawTarget.IndexOf('?', StringComparison.Ordinal);
            var headers = request.Headers.ToDictionary(
                h => h.Key.ToLowerInvariant(), h => (IReadOnlyList<string>)h.Value.Select(v => v ?? string.Empty).ToArray(), StringComparer.Ordinal);
            var refusal = _verifier.Verify(new SignedRequest(
                    request.Method,
                    question < 0 ? rawTarget : rawTarget[..question],
                    question < 0 ? string.Empty : rawTarget[(question + 1)..],
                    headers,
                    Convert.ToHexStringLower(hash)))
                ?? ContentTypePolicy.Check(request.ContentType, total > 0, takesImage: request.Path.Value?.EndsWith("/detect", StringComparison.Ordinal) == true);
            if (refusal is not null)
            {
                LookoutVisionApiLog.RequestRefused(_logger, request.Method, request.Path.ToUriComponent(), refusal.ErrorType);
                await WriteErrorAsync(context, refusal.HttpStatusCode, refusal.ErrorType, new ServiceErrorBody(refusal.Message)).ConfigureAwait(false);
                return;
            }
        }

        await next(context).ConfigureAwait(false);
    }

    private async Task RunJobsAsync(CancellationToken cancellationToken)
    {
        await foreach (var (project, job) in _queue.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            try
            {
                var finished = await _runner.RunAsync(project, job, cancellationToken).ConfigureAwait(false);
                LookoutVisionApiLog.JobFinished(_logger, project, job, finished.Description.Status?.ToString() ?? "?", finished.Description.StatusMessage);
            }
            catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
            {
                // One job's store trouble must not stop the loop that runs the others.
                LookoutVisionApiLog.JobCrashed(_logger, project, job, ex);
            }
        }
    }

    private static string RouteValue(HttpContext context, string name) => context.Request.RouteValues[name] as string ?? string.Empty;

    private static Task WriteErrorAsync(HttpContext context, int status, string errorType, ServiceErrorBody body)
    {
        context.Response.Headers["x-amzn-ErrorType"] = errorType;
        return WriteJsonAsync(context, status, JsonSerializer.SerializeToUtf8Bytes(body, PackagingJsonContext.Default.ServiceErrorBody));
    }

    private static async Task WriteJsonAsync(HttpContext context, int status, byte[] body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
    }
}
