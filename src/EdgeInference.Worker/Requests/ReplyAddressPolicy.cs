using EdgeInference.Worker.Options;

namespace EdgeInference.Worker.Requests;

/// <summary>
/// Where a reply may go. A requester names its reply topic (MQTT 5 response topic, else a JSON <c>ReplyTo</c>); the
/// worker refuses one it must never publish to — a wildcard filter, a topic with control characters (U+0000
/// disconnects other subscribers), one longer than MQTT allows, a <c>$</c> topic, or one of the worker's own request,
/// describe and status topics (its replies would come back as requests or overwrite its status).
/// </summary>
public sealed class ReplyAddressPolicy
{
    private readonly TopicOptions _topics;

    public ReplyAddressPolicy(TopicOptions resolvedTopics) => _topics = resolvedTopics;

    /// <summary>The reply topic, or null with the reason it is refused.</summary>
    public string? Choose(string? responseTopic, string? replyTo, string fallback, out string? problem)
    {
        problem = null;
        var candidate = !string.IsNullOrEmpty(responseTopic) ? responseTopic : replyTo;
        if (string.IsNullOrEmpty(candidate))
        {
            return fallback;
        }

        if (!TopicRules.IsPlainTopic(candidate))
        {
            problem = $"The reply topic '{Shorten(candidate)}' is not allowed: it must be a plain topic without wildcards, control characters or a leading '$', at most {TopicRules.MaxTopicBytes:N0} bytes.";
            return null;
        }

        if (IsOwnTopic(candidate))
        {
            problem = $"The reply topic '{candidate}' is one of the worker's own request, describe or status topics.";
            return null;
        }

        return candidate;
    }

    private bool IsOwnTopic(string topic) =>
        topic == _topics.Request || topic == _topics.Describe || topic == _topics.Status || _topics.ModelNameOf(topic) is not null;

    private static string Shorten(string text) => LogText.Escape(text, 80);
}
