using System.IO.Compression;
using System.Text.Json.Nodes;

namespace EdgeInference.Greengrass.Emulator.Tests.Fakes;

/// <summary>
/// A temp folder laid out as greengrass-cli's local deployment expects: <c>recipes/</c> and
/// <c>artifacts/&lt;name&gt;/&lt;version&gt;/</c>, plus a <c>root/</c> for the emulated Greengrass root. Deleted on dispose.
/// </summary>
public sealed class DeploymentFolder : IDisposable
{
    public DeploymentFolder()
    {
        Folder = Directory.CreateTempSubdirectory("gge-deploy-").FullName;
        RecipeDirectory = Directory.CreateDirectory(Path.Combine(Folder, "recipes")).FullName;
        ArtifactDirectory = Directory.CreateDirectory(Path.Combine(Folder, "artifacts")).FullName;
        RootPath = Path.Combine(Folder, "root");
    }

    public string Folder { get; }

    public string RecipeDirectory { get; }

    public string ArtifactDirectory { get; }

    /// <summary>Where the emulated root goes (not created).</summary>
    public string RootPath { get; }

    /// <summary>Writes a recipe file (YAML unless the name ends in .json).</summary>
    public void Recipe(string fileName, string text) => File.WriteAllText(Path.Combine(RecipeDirectory, fileName), text);

    /// <summary>Writes an artifact file and returns its path.</summary>
    public string Artifact(string component, string version, string fileName, string content)
    {
        var path = Path.Combine(Directory.CreateDirectory(Path.Combine(ArtifactDirectory, component, version)).FullName, fileName);
        File.WriteAllText(path, content);
        return path;
    }

    /// <summary>Copies a file in as an artifact and returns its path.</summary>
    public string ArtifactFrom(string component, string version, string sourceFile)
    {
        var path = Path.Combine(Directory.CreateDirectory(Path.Combine(ArtifactDirectory, component, version)).FullName, Path.GetFileName(sourceFile));
        File.Copy(sourceFile, path, overwrite: true);
        return path;
    }

    /// <summary>Writes a ZIP artifact built by <paramref name="fill"/> and returns its path.</summary>
    public string ZipArtifact(string component, string version, string fileName, Action<ZipArchive> fill)
    {
        var path = Path.Combine(Directory.CreateDirectory(Path.Combine(ArtifactDirectory, component, version)).FullName, fileName);
        using var archive = ZipFile.Open(path, ZipArchiveMode.Create);
        fill(archive);
        return path;
    }

    /// <summary>Writes <paramref name="recipe"/> as <c>NAME-VERSION.json</c>.</summary>
    public void Recipe(JsonObject recipe) =>
        Recipe($"{recipe["ComponentName"]}-{recipe["ComponentVersion"]}.json", recipe.ToJsonString());

    /// <summary>A valid recipe with one all-platform manifest.</summary>
    public static JsonObject RecipeOf(
        string name, string version, JsonObject lifecycle, JsonObject? dependencies = null, JsonObject? defaultConfiguration = null, JsonArray? artifacts = null)
    {
        var manifest = new JsonObject { ["Platform"] = new JsonObject { ["os"] = "*" }, ["Lifecycle"] = lifecycle.DeepClone() };
        if (artifacts is not null)
        {
            manifest["Artifacts"] = artifacts.DeepClone();
        }

        var recipe = new JsonObject
        {
            ["RecipeFormatVersion"] = "2020-01-25",
            ["ComponentName"] = name,
            ["ComponentVersion"] = version,
            ["Manifests"] = new JsonArray(manifest),
        };
        if (dependencies is not null)
        {
            recipe["ComponentDependencies"] = dependencies.DeepClone();
        }

        if (defaultConfiguration is not null)
        {
            recipe["ComponentConfiguration"] = new JsonObject { ["DefaultConfiguration"] = defaultConfiguration.DeepClone() };
        }

        return recipe;
    }

    /// <summary>A <c>ComponentDependencies</c> entry.</summary>
    public static JsonObject Dependency(string versionRequirement, string? type = null)
    {
        var dependency = new JsonObject { ["VersionRequirement"] = versionRequirement };
        if (type is not null)
        {
            dependency["DependencyType"] = type;
        }

        return dependency;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}
