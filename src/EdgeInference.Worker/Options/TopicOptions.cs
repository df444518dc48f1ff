namespace EdgeInference.Worker.Options;

/// <summary>The <c>Topics</c> section; <c>{ThingName}</c> is replaced by the thing name and <c>{ModelName}</c> by a model's name.</summary>
public sealed record TopicOptions
{
    public const string SectionName = "Topics";
    public const string ThingNameToken = "{ThingName}";
    public const string ModelNameToken = "{ModelName}";

    /// <summary>Requests for the default model.</summary>
    public string Request { get; set; } = "edge-inference/{ThingName}/infer";

    /// <summary>Replies to requests without a response topic, default model.</summary>
    public string Result { get; set; } = "edge-inference/{ThingName}/result";

    /// <summary>Requests for one model by name.</summary>
    public string ModelRequest { get; set; } = "edge-inference/{ThingName}/models/{ModelName}/infer";

    /// <summary>Replies to requests without a response topic, one model by name.</summary>
    public string ModelResult { get; set; } = "edge-inference/{ThingName}/models/{ModelName}/result";

    public string Describe { get; set; } = "edge-inference/{ThingName}/describe";

    public string Status { get; set; } = "edge-inference/{ThingName}/status";

    /// <summary>Where describe replies go when the request names no response topic.</summary>
    public string DescribeReply => Describe + "/reply";

    /// <summary>The topics with <c>{ThingName}</c> replaced (model topics keep <c>{ModelName}</c>).</summary>
    public TopicOptions Resolve(string thingName) => new()
    {
        Request = Replace(Request, thingName),
        Result = Replace(Result, thingName),
        ModelRequest = Replace(ModelRequest, thingName),
        ModelResult = Replace(ModelResult, thingName),
        Describe = Replace(Describe, thingName),
        Status = Replace(Status, thingName),
    };

    /// <summary>The per-model request topic as an MQTT filter (<c>+</c> in place of the model name).</summary>
    public string ModelRequestFilter => ModelRequest.Replace(ModelNameToken, "+", StringComparison.Ordinal);

    public string ModelRequestTopic(string modelName) => ModelRequest.Replace(ModelNameToken, modelName, StringComparison.Ordinal);

    public string ModelResultTopic(string modelName) => ModelResult.Replace(ModelNameToken, modelName, StringComparison.Ordinal);

    /// <summary>The model name a per-model request topic carries, or null when <paramref name="topic"/> is not one.</summary>
    public string? ModelNameOf(string topic)
    {
        var at = ModelRequest.IndexOf(ModelNameToken, StringComparison.Ordinal);
        if (at < 0)
        {
            return null;
        }

        var prefix = ModelRequest[..at];
        var suffix = ModelRequest[(at + ModelNameToken.Length)..];
        if (topic.Length <= prefix.Length + suffix.Length || !topic.StartsWith(prefix, StringComparison.Ordinal) || !topic.EndsWith(suffix, StringComparison.Ordinal))
        {
            return null;
        }

        var name = topic[prefix.Length..^suffix.Length];
        return name.Contains('/', StringComparison.Ordinal) ? null : name;
    }

    private static string Replace(string topic, string thingName) => topic.Replace(ThingNameToken, thingName, StringComparison.Ordinal);
}
