namespace EdgeInference.Worker.Options;

/// <summary>What MQTT and Greengrass accept as a topic the worker publishes to.</summary>
public static class TopicRules
{
    /// <summary>The MQTT limit on a topic name, in UTF-8 bytes.</summary>
    public const int MaxTopicBytes = 65_535;

    /// <summary>A topic name: no wildcards, no control characters (U+0000 included), no leading <c>$</c>, within MQTT's length.</summary>
    public static bool IsPlainTopic(string? topic) =>
        !string.IsNullOrEmpty(topic)
        && !topic.StartsWith('$')
        && topic.IndexOfAny(['+', '#', '*']) < 0
        && !topic.Any(char.IsControl)
        && System.Text.Encoding.UTF8.GetByteCount(topic) <= MaxTopicBytes;

    /// <summary>One topic level: a plain topic without <c>/</c>.</summary>
    public static bool IsTopicLevel(string? level) => IsPlainTopic(level) && !level!.Contains('/', StringComparison.Ordinal);
}

/// <summary>The names models are addressed by (they become a topic level).</summary>
public static class ModelNames
{
    public const string Rule = "1 to 128 characters: letters, digits, '-', '_' and '.'";

    public static bool IsValid(string? name) =>
        name is { Length: > 0 and <= 128 } && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.') && name is not ("." or "..");
}
