using System.Text.Json.Nodes;
using EdgeInference.Components.Publish;
using EdgeInference.Packaging.Jobs;
using Xunit;

namespace EdgeInference.Testing.Packaging;

/// <summary>A temporary folder deleted at dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "ei-cli-tests", Guid.NewGuid().ToString("N"));

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>A clock the test moves.</summary>
public sealed class ManualTimeProvider(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}

/// <summary>Small model packages (for the packaging store and jobs) whose ONNX bytes do not matter to the code under test.</summary>
public static class SmallPackages
{
    /// <summary>A manifest for <see cref="TestModels.ColorClassifier"/>'s model (input image 32×32, output probabilities, 3 labels).</summary>
    public const string ClassificationManifest = """
        {"SchemaVersion": 1, "Name": "tiny-classifier", "Task": "classification",
         "Input": {"Name": "image", "Width": 32, "Height": 32},
         "Outputs": [{"Name": "probabilities", "Role": "Scores"}], "Labels": ["red", "green", "blue"]}
        """;

    /// <summary>A real ONNX model ONNX Runtime loads (the colour classifier, under 1 KB), so packages pass create-model's load check.</summary>
    public static byte[] Model => File.ReadAllBytes(Path.Combine(TestModels.ColorClassifier, "model.onnx"));

    public static string WriteFolder(string folder, string manifest = ClassificationManifest, string modelFile = "model.onnx", byte[]? model = null)
    {
        Directory.CreateDirectory(folder);
        File.WriteAllBytes(Path.Combine(folder, modelFile), model ?? Model);
        File.WriteAllText(Path.Combine(folder, "manifest.json"), manifest);
        return folder;
    }

    public static string Configuration(string componentName = "com.example.Model", string? version = null, string target = """ "TargetPlatform": {"Os": "LINUX", "Arch": "X86_64"} """) =>
        "{\"Greengrass\": {\"ComponentName\": \"" + componentName + "\", "
        + (version is null ? string.Empty : $"\"ComponentVersion\": \"{version}\", ")
        + target + ", \"S3OutputLocation\": {\"Bucket\": \"models-bucket\", \"Prefix\": \"lfv\"}}}";
}

/// <summary>Records what it was asked to publish; answers like Greengrass, or throws.</summary>
public sealed class FakePublisher(Exception? failure = null) : IComponentPublisher
{
    public List<ComponentPublishRequest> Requests { get; } = [];

    public List<string> BuildFilesSeen { get; } = [];

    public Task<PublishedComponent> PublishAsync(ComponentPublishRequest request, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        Requests.Add(request);
        BuildFilesSeen.AddRange(Directory.EnumerateFiles(request.BuildDirectory, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(request.BuildDirectory, f)));
        if (failure is not null)
        {
            throw failure;
        }

        var arn = $"arn:aws:greengrass:{request.Region}:123456789012:components:{request.ComponentName}:versions:{request.ComponentVersion}";
        return Task.FromResult(new PublishedComponent(arn, request.ComponentName, request.ComponentVersion, "DEPLOYABLE", null));
    }
}

/// <summary>Records detached launches instead of starting processes.</summary>
public sealed class RecordingLauncher : IDetachedJobLauncher
{
    public List<(string Store, string Project, string Job)> Launches { get; } = [];

    public void Launch(string storeRoot, string projectName, string jobName) => Launches.Add((storeRoot, projectName, jobName));
}
