namespace EdgeInference.Aws.Output;

/// <summary>What the user asked for: a format and an optional JMESPath query.</summary>
public sealed record OutputSettings(OutputFormat Format = OutputFormat.Json, string? Query = null);
