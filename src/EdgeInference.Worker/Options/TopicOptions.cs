namespace EdgeInference.Worker.Options;

/// <summary>The <c>Topics</c> section; <c>{ThingName}</c> is replaced by the thing name.</summary>
public sealed class TopicOptions
{
    public const string SectionName = "Topics";

    public string Request { get; set; } = "edge-inference/{ThingName}/infer";

    public string Result { get; set; } = "edge-inference/{ThingName}/result";

    public string Describe { get; set; } = "edge-inference/{ThingName}/describe";

    public string Status { get; set; } = "edge-inference/{ThingName}/status";

    /// <summary>Where describe replies go when the request names no response topic.</summary>
    public string DescribeReply => Describe + "/reply";

    public TopicOptions Resolve(string thingName) => new()
    {
        Request = Request.Replace("{ThingName}", thingName, StringComparison.Ordinal),
        Result = Result.Replace("{ThingName}", thingName, StringComparison.Ordinal),
        Describe = Describe.Replace("{ThingName}", thingName, StringComparison.Ordinal),
        Status = Status.Replace("{ThingName}", thingName, StringComparison.Ordinal),
    };
}
