namespace EdgeInference.Greengrass.Emulator.Authorization;

/// <summary>MQTT topic-filter matching (<c>+</c> one level, <c>#</c> this level and below), as Greengrass uses for local pub/sub and IoT Core.</summary>
internal static class TopicFilter
{
    /// <summary>True when the topic or filter contains an MQTT wildcard level.</summary>
    public static bool HasMqttWildcard(string topic) => topic.Contains('+', StringComparison.Ordinal) || topic.Contains('#', StringComparison.Ordinal);

    /// <summary>Whether <paramref name="topic"/> matches <paramref name="filter"/>.</summary>
    /// <param name="filter">A topic filter, possibly with <c>+</c>/<c>#</c>.</param>
    /// <param name="topic">A topic; wildcard characters in it are literal.</param>
    /// <param name="dollarTopicsNeedLiteralFirstLevel">MQTT rule: a filter starting with a wildcard does not match <c>$</c> topics.</param>
    public static bool Matches(string filter, string topic, bool dollarTopicsNeedLiteralFirstLevel = true)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(topic);
        if (dollarTopicsNeedLiteralFirstLevel && topic.StartsWith('$') && (filter.StartsWith('+') || filter.StartsWith('#')))
        {
            return false;
        }

        var filterLevels = filter.Split('/');
        var topicLevels = topic.Split('/');
        for (var i = 0; i < filterLevels.Length; i++)
        {
            var level = filterLevels[i];
            if (level == "#" && i == filterLevels.Length - 1)
            {
                return true;
            }

            if (i >= topicLevels.Length)
            {
                return false;
            }

            if (level != "+" && !string.Equals(level, topicLevels[i], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return filterLevels.Length == topicLevels.Length;
    }
}
