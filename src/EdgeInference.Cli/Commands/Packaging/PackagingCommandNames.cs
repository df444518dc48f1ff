using EdgeInference.Packaging.Jobs;

namespace EdgeInference.Cli.Commands.Packaging;

internal static class PackagingCommandNames
{
    public const string CreateModel = "create-model";
    public const string ListModels = "list-models";
    public const string StartJob = "start-model-packaging-job";
    public const string DescribeJob = "describe-model-packaging-job";
    public const string ListJobs = "list-model-packaging-jobs";
    public const string RunJob = EdgeInference.Packaging.Jobs.ProcessJobLauncher.RunJobCommand;
    public const string LookoutVisionApi = "lookoutvision-api";
}
