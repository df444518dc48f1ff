using System.CommandLine;
using System.Text.Json;
using EdgeInference.Core.Json;
using EdgeInference.Core.Packaging;
using EdgeInference.Packaging;
using EdgeInference.Packaging.Jobs;
using EdgeInference.Packaging.Store;

namespace EdgeInference.Cli.Commands.Packaging;

/// <summary>start-, describe- and list-model-packaging-job(s), as <c>aws lookoutvision</c> has them, run against the local store.</summary>
internal static class JobCommands
{
    public static Command Start(PackagingDependencies dependencies)
    {
        var store = CommandSupport.StoreOption();
        var output = new OutputOptions();
        var run = new JobRunOptions();
        var project = CommandSupport.RequiredString("--project-name", "The project holding the model.");
        var modelVersion = CommandSupport.RequiredString("--model-version", "The model version to package (a number, or 'latest').");
        var jobName = new Option<string?>("--job-name") { Description = "A name for the job (generated when absent)." };
        var configuration = CommandSupport.RequiredString("--configuration", "{\"Greengrass\": {...}} as JSON text or file://PATH (Lookout for Vision's ModelPackagingConfiguration).");
        var description = new Option<string?>("--description") { Description = "A description of the job." };
        var clientToken = new Option<string?>("--client-token") { Description = "Idempotency token: the same token returns the same job." };
        var outputDir = new Option<string?>("--output-dir") { Description = "Also copy the built greengrass-build/ folder here." };
        var noWait = new Option<bool>("--no-wait") { Description = "Return once the job is created and run it in a background process." };
        var command = new Command(
            PackagingCommandNames.StartJob,
            "Package a model version as a Greengrass model component (GDK layout: greengrass-build/recipes and artifacts). "
            + "The job runs to SUCCEEDED or FAILED before the command returns unless --no-wait is given; prints {\"JobName\": ...}.")
        {
            store, project, modelVersion, jobName, configuration, description, clientToken, outputDir, noWait,
        };
        output.AddTo(command);
        run.AddTo(command);
        command.SetAction((parseResult, cancellationToken) => CommandSupport.RunAsync(parseResult, "StartModelPackagingJob", async () =>
        {
            var packagingStore = CommandSupport.OpenStore(parseResult, store);
            var service = new PackagingService(packagingStore, dependencies.TimeProvider);
            var request = new StartModelPackagingJobRequest
            {
                ProjectName = parseResult.GetValue(project),
                ModelVersion = parseResult.GetValue(modelVersion),
                JobName = parseResult.GetValue(jobName),
                Configuration = ConfigurationParser.Parse(parseResult.GetValue(configuration)!),
                Description = parseResult.GetValue(description),
                ClientToken = parseResult.GetValue(clientToken),
            };
            var settings = run.Read(parseResult, parseResult.GetValue(outputDir));
            var start = await service.StartJobAsync(request, settings, cancellationToken).ConfigureAwait(false);
            var name = start.Job.Description.JobName!;
            var exitCode = 0;
            if (start.Job.Description.Status == ModelPackagingJobStatus.CREATED)
            {
                if (parseResult.GetValue(noWait))
                {
                    dependencies.JobLauncher.Launch(packagingStore.Root, request.ProjectName!, name);
                }
                else
                {
                    var runner = new PackagingJobRunner(packagingStore, dependencies.TimeProvider, dependencies.PublisherFactory, parseResult.InvocationConfiguration.Error);
                    var finished = await runner.RunAsync(request.ProjectName!, name, cancellationToken).ConfigureAwait(false);
                    if (finished.Description.Status == ModelPackagingJobStatus.FAILED)
                    {
                        await parseResult.InvocationConfiguration.Error.WriteLineAsync(
                            $"Model packaging job {name} FAILED: {finished.Description.StatusMessage}").ConfigureAwait(false);
                        exitCode = CommandSupport.JobFailedExitCode;
                    }
                }
            }

            var reply = JsonSerializer.SerializeToNode(new StartModelPackagingJobResponse(name), PackagingJsonContext.Default.StartModelPackagingJobResponse);
            CommandSupport.Print(parseResult, reply, output.Read(parseResult), "StartModelPackagingJob");
            return exitCode;
        }));
        return command;
    }

    public static Command Describe(PackagingDependencies dependencies)
    {
        var store = CommandSupport.StoreOption();
        var output = new OutputOptions();
        var project = CommandSupport.RequiredString("--project-name", "The project.");
        var jobName = CommandSupport.RequiredString("--job-name", "The job.");
        var command = new Command(PackagingCommandNames.DescribeJob, "Print {\"ModelPackagingDescription\": {...}} for a job, as Lookout for Vision did.")
        {
            store, project, jobName,
        };
        output.AddTo(command);
        command.SetAction((parseResult, cancellationToken) => CommandSupport.RunAsync(parseResult, "DescribeModelPackagingJob", () =>
        {
            var service = new PackagingService(CommandSupport.OpenStore(parseResult, store), dependencies.TimeProvider);
            var job = service.DescribeJob(parseResult.GetValue(project)!, parseResult.GetValue(jobName)!);
            var reply = JsonSerializer.SerializeToNode(
                new DescribeModelPackagingJobResponse { ModelPackagingDescription = job.Description },
                CoreJsonContext.Default.DescribeModelPackagingJobResponse);
            CommandSupport.Print(parseResult, reply, output.Read(parseResult), "DescribeModelPackagingJob");
            return Task.FromResult(0);
        }));
        return command;
    }

    public static Command List(PackagingDependencies dependencies)
    {
        var store = CommandSupport.StoreOption();
        var output = new OutputOptions();
        var project = CommandSupport.RequiredString("--project-name", "The project.");
        var maxResults = new Option<int?>("--max-results") { Description = "Page size, 1-100 (default 100)." };
        var nextToken = new Option<string?>("--next-token") { Description = "The NextToken of the previous page." };
        var command = new Command(PackagingCommandNames.ListJobs, "List a project's model packaging jobs, oldest first.")
        {
            store, project, maxResults, nextToken,
        };
        output.AddTo(command);
        command.SetAction((parseResult, cancellationToken) => CommandSupport.RunAsync(parseResult, "ListModelPackagingJobs", () =>
        {
            var service = new PackagingService(CommandSupport.OpenStore(parseResult, store), dependencies.TimeProvider);
            var page = service.ListJobs(parseResult.GetValue(project)!, parseResult.GetValue(maxResults), parseResult.GetValue(nextToken));
            var reply = JsonSerializer.SerializeToNode(page, PackagingJsonContext.Default.ListModelPackagingJobsResponse);
            CommandSupport.Print(parseResult, reply, output.Read(parseResult), "ListModelPackagingJobs");
            return Task.FromResult(0);
        }));
        return command;
    }

    /// <summary>The hidden command <c>--no-wait</c> starts in the background.</summary>
    public static Command Run(PackagingDependencies dependencies)
    {
        var store = CommandSupport.StoreOption();
        var project = CommandSupport.RequiredString("--project-name", "The project.");
        var jobName = CommandSupport.RequiredString("--job-name", "The CREATED job to run.");
        var command = new Command(PackagingCommandNames.RunJob, "Run a CREATED model packaging job (used by --no-wait).") { store, project, jobName };
        command.Hidden = true;
        command.SetAction((parseResult, cancellationToken) => CommandSupport.RunAsync(parseResult, "RunModelPackagingJob", async () =>
        {
            var runner = new PackagingJobRunner(CommandSupport.OpenStore(parseResult, store), dependencies.TimeProvider, dependencies.PublisherFactory);
            var job = await runner.RunAsync(parseResult.GetValue(project)!, parseResult.GetValue(jobName)!, cancellationToken).ConfigureAwait(false);
            return job.Description.Status == ModelPackagingJobStatus.SUCCEEDED ? 0 : CommandSupport.JobFailedExitCode;
        }));
        return command;
    }
}
