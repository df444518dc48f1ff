namespace EdgeInference.Aws.Output;

/// <summary>The AWS CLI's <c>--output</c> formats.</summary>
public enum OutputFormat
{
    Json,
    Yaml,
    Text,
    Table,
}
