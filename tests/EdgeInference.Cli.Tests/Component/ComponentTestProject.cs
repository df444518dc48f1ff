using System.CommandLine;
using EdgeInference.Cli.Component;
using EdgeInference.Testing;
using Xunit;

namespace EdgeInference.Cli.Tests.Component;

/// <summary>
/// A throw-away copy of the repository's gdk-config.json and recipe template in a temp folder, with a fake
/// self-contained publish folder (an executable EdgeInference.Worker script and a few files) per RID.
/// </summary>
internal sealed class ComponentTestProject : IDisposable
{
    public ComponentTestProject(string? gdkConfigJson = null)
    {
        Root = Directory.CreateTempSubdirectory("component-project-").FullName;
        File.WriteAllText(ConfigPath, gdkConfigJson ?? File.ReadAllText(Path.Combine(RepoPaths.Root, GdkConfig.FileName)));
        Directory.CreateDirectory(Path.Combine(Root, "recipes"));
        File.Copy(TemplatePath, Path.Combine(Root, "recipes", "com.example.EdgeInference.yaml"));
        foreach (var rid in ComponentBuilder.DefaultRids)
        {
            var folder = Path.Combine(PublishDirectory, rid);
            Directory.CreateDirectory(Path.Combine(folder, "runtimes"));
            File.WriteAllText(Path.Combine(folder, ArtifactZipper.WorkerBinaryName), $"#!/bin/sh\necho worker {rid}\n");
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(Path.Combine(folder, ArtifactZipper.WorkerBinaryName), (UnixFileMode)0b111_101_101);
            }
            File.WriteAllBytes(Path.Combine(folder, "EdgeInference.Worker.dll"), [1, 2, 3, (byte)rid.Length]);
            File.WriteAllText(Path.Combine(folder, "runtimes", "native.so"), rid);
        }
    }

    public static string TemplatePath => Path.Combine(RepoPaths.Root, "recipes", "com.example.EdgeInference.yaml");

    /// <summary>GDK's schemas beside the checkout, or null (tests that need them skip).</summary>
    public static string? SchemaDirectory => GdkSchemaValidator.FindSchemaDirectory(RepoPaths.Root);

    public string Root { get; }

    public string ConfigPath => Path.Combine(Root, GdkConfig.FileName);

    public string PublishDirectory => Path.Combine(Root, "fake-publish");

    public string BuildDirectory => Path.Combine(Root, ComponentBuilder.BuildFolderName);

    public static string RequireSchema(string file)
    {
        if (SchemaDirectory is null)
        {
            Assert.Skip("GDK's schemas (../shared/schemas) are not beside this checkout.");
        }

        return Path.Combine(SchemaDirectory!, file);
    }

    /// <summary>Runs the CLI's component commands in-process; returns exit code, stdout and stderr.</summary>
    public static async Task<(int ExitCode, string Output, string Error)> InvokeAsync(params string[] args)
    {
        var root = new RootCommand("test");
        foreach (var command in ComponentCommands.Create())
        {
            root.Subcommands.Add(command);
        }

        var output = new StringWriter();
        var error = new StringWriter();
        var exitCode = await root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, TestContext.Current.CancellationToken);
        return (exitCode, output.ToString(), error.ToString());
    }

    public Task<(int ExitCode, string Output, string Error)> BuildAsync(params string[] extra) =>
        InvokeAsync(["component", "build", "--config", ConfigPath, "--skip-dotnet-publish", "--publish-dir", PublishDirectory, "--schema-dir", SchemaDirectory ?? string.Empty, .. extra]);

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
