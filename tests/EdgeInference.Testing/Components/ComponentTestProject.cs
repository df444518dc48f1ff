using Xunit;

namespace EdgeInference.Testing.Components;

/// <summary>
/// A throw-away copy of the repository's gdk-config.json and recipe template in a temp folder, with a fake
/// self-contained publish folder (an executable EdgeInference.Worker script and a few files) per RID: what
/// <c>component build --skip-dotnet-publish --publish-dir</c> zips instead of a real dotnet publish.
/// </summary>
public sealed class ComponentTestProject : IDisposable
{
    public const string ComponentName = "com.example.EdgeInference";
    public const string ConfigFileName = "gdk-config.json";
    public const string WorkerBinaryName = "EdgeInference.Worker";

    public static readonly IReadOnlyList<string> Rids = ["linux-x64", "linux-arm64"];

    public ComponentTestProject(string? gdkConfigJson = null)
    {
        Root = Directory.CreateTempSubdirectory("component-project-").FullName;
        File.WriteAllText(ConfigPath, gdkConfigJson ?? File.ReadAllText(Path.Combine(RepoPaths.Root, ConfigFileName)));
        Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(Root, TemplateRelativePath))!);
        File.Copy(TemplatePath, Path.Combine(Root, TemplateRelativePath));
        foreach (var rid in Rids)
        {
            var folder = Path.Combine(PublishDirectory, rid);
            Directory.CreateDirectory(Path.Combine(folder, "runtimes"));
            File.WriteAllText(Path.Combine(folder, WorkerBinaryName), $"#!/bin/sh\necho worker {rid}\n");
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(Path.Combine(folder, WorkerBinaryName), (UnixFileMode)0b111_101_101);
            }

            File.WriteAllBytes(Path.Combine(folder, "EdgeInference.Worker.dll"), [1, 2, 3, (byte)rid.Length]);
            File.WriteAllText(Path.Combine(folder, "runtimes", "native.so"), rid);
        }
    }

    /// <summary>The runtime component's recipe template, relative to the project root.</summary>
    public static string TemplateRelativePath => "recipe.yaml";

    public static string TemplatePath => Path.Combine(RepoPaths.Root, TemplateRelativePath);

    public string Root { get; }

    public string ConfigPath => Path.Combine(Root, ConfigFileName);

    public string PublishDirectory => Path.Combine(Root, "fake-publish");

    public string BuildDirectory => Path.Combine(Root, "greengrass-build");

    /// <summary>greengrass-build/artifacts/NAME/VERSION/.</summary>
    public string ArtifactsDirectory(string version = "1.0.0") => Path.Combine(BuildDirectory, "artifacts", ComponentName, version);

    /// <summary>The command line of a build from the fake publish folders (more arguments appended).</summary>
    public string[] BuildArguments(params string[] extra) =>
        ["component", "build", "--config", ConfigPath, "--skip-dotnet-publish", "--publish-dir", PublishDirectory, .. extra];

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
