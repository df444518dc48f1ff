using System.CommandLine;
using EdgeInference.Cli.Commands.Packaging;
using EdgeInference.LookoutVision;
using EdgeInference.LookoutVision.Shapes;
using EdgeInference.Packaging;

namespace EdgeInference.Cli.Commands.LookoutVision;

/// <summary>create-, describe-, list- and delete-project(s).</summary>
internal static class ProjectCommands
{
    public static IEnumerable<Command> Create(PackagingDependencies dependencies)
    {
        yield return Command("create-project", "Create an empty project; prints {\"ProjectMetadata\": ...}.", "CreateProject", dependencies, async (service, project, support, parseResult, token) =>
            support.Print(parseResult, new CreateProjectResponse(await service.CreateProjectAsync(project, token).ConfigureAwait(false)), LookoutVisionJsonContext.Default.CreateProjectResponse, "CreateProject"));
        yield return Command("describe-project", "Print {\"ProjectDescription\": ...} with the project's datasets.", "DescribeProject", dependencies, (service, project, support, parseResult, _) =>
        {
            support.Print(parseResult, new DescribeProjectResponse(service.DescribeProject(project)), LookoutVisionJsonContext.Default.DescribeProjectResponse, "DescribeProject");
            return Task.CompletedTask;
        });
        yield return Command("delete-project", "Delete a project and its datasets (delete its models first); prints {\"ProjectArn\": ...}.", "DeleteProject", dependencies, async (service, project, support, parseResult, token) =>
            support.Print(parseResult, new DeleteProjectResponse(await service.DeleteProjectAsync(project, token).ConfigureAwait(false)), LookoutVisionJsonContext.Default.DeleteProjectResponse, "DeleteProject"));
        yield return List(dependencies);
    }

    private static Command List(PackagingDependencies dependencies)
    {
        var support = new LookoutCommandSupport();
        var paging = new PagingOptions();
        var command = new Command("list-projects", "List projects by name.");
        support.AddTo(command);
        paging.AddTo(command);
        command.SetAction((parseResult, _) => CommandSupport.RunAsync(parseResult, "ListProjects", () =>
        {
            using var service = support.Open(parseResult, dependencies);
            support.Print(parseResult, service.ListProjects(paging.MaxResults(parseResult), paging.NextToken(parseResult)), LookoutVisionJsonContext.Default.ListProjectsResponse, "ListProjects");
            return Task.FromResult(0);
        }));
        return command;
    }

    private static Command Command(string name, string description, string operation, PackagingDependencies dependencies,
        Func<LookoutVisionService, string, LookoutCommandSupport, ParseResult, CancellationToken, Task> body)
    {
        var support = new LookoutCommandSupport();
        var project = CommandSupport.RequiredString("--project-name", "The project.");
        var command = new Command(name, description) { project };
        support.AddTo(command);
        command.SetAction((parseResult, cancellationToken) => CommandSupport.RunAsync(parseResult, operation, async () =>
        {
            using var service = support.Open(parseResult, dependencies);
            await body(service, parseResult.GetValue(project)!, support, parseResult, cancellationToken).ConfigureAwait(false);
            return 0;
        }));
        return command;
    }
}

/// <summary>--max-results and --next-token, as the AWS CLI pages.</summary>
internal sealed class PagingOptions
{
    private readonly Option<int?> _maxResults = new("--max-results") { Description = "Page size (1-100)." };
    private readonly Option<string?> _nextToken = new("--next-token") { Description = "The NextToken of the previous page." };

    public void AddTo(Command command)
    {
        command.Options.Add(_maxResults);
        command.Options.Add(_nextToken);
    }

    public int? MaxResults(ParseResult parseResult) => parseResult.GetValue(_maxResults);

    public string? NextToken(ParseResult parseResult) => parseResult.GetValue(_nextToken);
}
