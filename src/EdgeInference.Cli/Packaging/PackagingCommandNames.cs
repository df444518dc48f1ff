namespace EdgeInference.Cli.Packaging;

internal static class PackagingCommandNames
{
    public const string CreateModel = "create-model";
    public const string ListModels = "list-models";
    public const string StartJob = "start-model-packaging-job";
    public const string DescribeJob = "describe-model-packaging-job";
    public const string ListJobs = "list-model-packaging-jobs";
    public const string RunJob = "run-model-packaging-job";
    public const string LookoutVisionApi = "lookoutvision-api";
}
