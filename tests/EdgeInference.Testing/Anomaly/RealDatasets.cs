using Xunit;

namespace EdgeInference.Testing.Anomaly;

/// <summary>
/// The real photo datasets of shared/data (beside the repository in CI and in the workplace). Tests that need one skip
/// with the reason when it is absent; they never download anything.
/// </summary>
public static class RealDatasets
{
    /// <summary>58 normal and 60 anomalous photos of a toy figure (normal/ and anomaly/), or null.</summary>
    public static string? Aliens => Find("aliens");

    public static string RequireAliens() =>
        Aliens ?? throw SkipException("aliens");

    private static string? Find(string name)
    {
        string[] candidates =
        [
            Environment.GetEnvironmentVariable("EDGE_INFERENCE_DATA") is { Length: > 0 } data ? Path.Combine(data, name) : string.Empty,
            Path.Combine(RepoPaths.Root, "..", "shared", "data", name),
            Path.Combine("/work", "shared", "data", name),
        ];
        return candidates.Where(c => c.Length > 0).Select(Path.GetFullPath).FirstOrDefault(c => Directory.Exists(Path.Combine(c, "normal")));
    }

    private static Exception SkipException(string name)
    {
        Assert.Skip($"The real dataset shared/data/{name} is not beside the repository (nor at $EDGE_INFERENCE_DATA/{name}); CI has it.");
        return new InvalidOperationException("unreachable");
    }
}
