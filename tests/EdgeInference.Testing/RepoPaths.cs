namespace EdgeInference.Testing;

/// <summary>Where things are in the repository checkout the tests run from.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> RootLazy = new(FindRoot);

    /// <summary>The folder holding GreengrassComponent.sln.</summary>
    public static string Root => RootLazy.Value;

    /// <summary>npm tools installed by tests/run.sh (s3rver, @smithy/eventstream-codec, aws-iot-device-sdk-v2, onnx-proto).</summary>
    public static string NodeModules =>
        Environment.GetEnvironmentVariable("EDGE_INFERENCE_NODE_MODULES") is { Length: > 0 } fromEnv
            ? fromEnv
            : Path.Combine(Root, "tests", "node", "node_modules");

    /// <summary>True when the npm tools are installed; tests that need them skip otherwise, and tests/run.sh always installs them.</summary>
    public static bool HasNodeModules => Directory.Exists(NodeModules);

    /// <summary>The small task models the generator script writes (copied next to the test assembly).</summary>
    public static string TestModels => Path.Combine(AppContext.BaseDirectory, "TestModels");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "GreengrassComponent.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"GreengrassComponent.sln not found above {AppContext.BaseDirectory}.");
    }
}
