namespace EdgeInference.Cli.Output;

/// <summary>The AWS CLI's <c>--output</c> formats.</summary>
internal enum OutputFormat
{
    Json,
    Yaml,
    Text,
    Table,
}
