using System.IO.Compression;
using System.Text.Json.Nodes;

namespace EdgeInference.Greengrass.Emulator.Recipes;

/// <summary>Prepares a manifest's artifacts like the nucleus: checks each is present and unpacks <c>Unarchive: ZIP</c> ones into <c>decompressedPath/&lt;name without extension&gt;</c>.</summary>
internal static class ArtifactUnarchiver
{
    /// <summary>The file name an artifact URI refers to (its last path segment).</summary>
    public static string FileName(string uri)
    {
        var withoutQuery = uri.Split('?', 2)[0];
        return withoutQuery[(withoutQuery.LastIndexOf('/') + 1)..];
    }

    /// <summary>Checks and unpacks the manifest's <c>Artifacts</c>.</summary>
    /// <returns>The archives unpacked.</returns>
    /// <exception cref="RecipeException">An artifact is missing from <paramref name="artifactsPath"/>, or an archive is corrupt.</exception>
    public static IReadOnlyList<string> Prepare(JsonObject? manifest, string artifactsPath, string decompressedPath)
    {
        var unpacked = new List<string>();
        if (manifest?["Artifacts"] is not JsonArray artifacts)
        {
            return unpacked;
        }

        foreach (var artifact in artifacts.OfType<JsonObject>())
        {
            var uri = (artifact["URI"] ?? artifact["Uri"])?.ToString();
            if (string.IsNullOrEmpty(uri) || uri.StartsWith("docker:", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var name = FileName(uri);
            var file = Path.Combine(artifactsPath, name);
            if (!File.Exists(file))
            {
                throw new RecipeException($"Artifact {name} (from {uri}) is not in the artifacts folder '{artifactsPath}'.");
            }

            if (string.Equals(artifact["Unarchive"]?.ToString(), "ZIP", StringComparison.OrdinalIgnoreCase))
            {
                Unzip(file, Path.Combine(decompressedPath, Path.GetFileNameWithoutExtension(name)));
                unpacked.Add(name);
            }
        }

        return unpacked;
    }

    /// <summary>Extracts <paramref name="zipFile"/> into <paramref name="destination"/> (overwriting).</summary>
    /// <exception cref="RecipeException">The archive is corrupt.</exception>
    public static void Unzip(string zipFile, string destination)
    {
        try
        {
            Directory.CreateDirectory(destination);
            ZipFile.ExtractToDirectory(zipFile, destination, overwriteFiles: true);
        }
        catch (InvalidDataException ex)
        {
            throw new RecipeException($"Cannot unarchive {zipFile}: {ex.Message}", ex);
        }
    }
}
