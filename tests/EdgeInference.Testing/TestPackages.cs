using System.IO.Compression;
using System.Text.Json.Nodes;

namespace EdgeInference.Testing;

/// <summary>Model packages built from the test models for one test: edited manifests, zips, broken files.</summary>
public static class TestPackages
{
    /// <summary>A fresh empty folder under the temp directory.</summary>
    public static string NewTempFolder()
    {
        var folder = Path.Combine(Path.GetTempPath(), "edge-inference-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        return folder;
    }

    /// <summary>Copies <paramref name="package"/> and applies <paramref name="edit"/> to the copy's manifest.json.</summary>
    public static string WithManifest(string package, Action<JsonObject> edit)
    {
        var copy = TestModels.CopyToTemp(package);
        var manifestPath = Path.Combine(copy, "manifest.json");
        var manifest = JsonNode.Parse(File.ReadAllText(manifestPath))!.AsObject();
        edit(manifest);
        File.WriteAllText(manifestPath, manifest.ToJsonString());
        return copy;
    }

    /// <summary>Copies <paramref name="package"/> and overwrites (or, with null, deletes) one of its files.</summary>
    public static string WithFile(string package, string fileName, byte[]? content)
    {
        var copy = TestModels.CopyToTemp(package);
        var path = Path.Combine(copy, fileName);
        if (content is null)
        {
            File.Delete(path);
        }
        else
        {
            File.WriteAllBytes(path, content);
        }

        return copy;
    }

    /// <summary>Zips a package folder: files at the zip root, or under <paramref name="topFolder"/>.</summary>
    public static string Zip(string package, string? topFolder = null)
    {
        var zipPath = Path.Combine(NewTempFolder(), Path.GetFileName(package) + ".zip");
        using var archive = ZipFile.Open(zipPath, ZipArchiveMode.Create);
        foreach (var file in Directory.GetFiles(package))
        {
            var entryName = topFolder is null ? Path.GetFileName(file) : $"{topFolder}/{Path.GetFileName(file)}";
            archive.CreateEntryFromFile(file, entryName);
        }

        return zipPath;
    }
}
