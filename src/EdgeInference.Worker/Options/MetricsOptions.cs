namespace EdgeInference.Worker.Options;

/// <summary>The <c>Metrics</c> section: the worker's periodic figures on MQTT/IPC, and for the Greengrass CloudWatch metrics component.</summary>
public sealed record MetricsOptions
{
    public const string SectionName = "Metrics";

    /// <summary>Seconds between two metrics messages; 0: none.</summary>
    public int IntervalSeconds { get; set; } = 10;

    /// <summary>Where the JSON report goes (<c>{ThingName}</c> replaced).</summary>
    public string Topic { get; set; } = "edge-inference/{ThingName}/metrics";

    /// <summary>
    /// Under Greengrass IPC: the local topic of the CloudWatch metrics component (<c>aws.greengrass.Cloudwatch</c>),
    /// which the figures are also published to, one message per metric; empty: not sent.
    /// </summary>
    public string? CloudWatchTopic { get; set; } = "cloudwatch/metric/put";

    /// <summary>The CloudWatch namespace of those metrics.</summary>
    public string CloudWatchNamespace { get; set; } = "EdgeInference";

    public string ResolvedTopic(string thingName) => Topic.Replace(TopicOptions.ThingNameToken, thingName, StringComparison.Ordinal);
}
