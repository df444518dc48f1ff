using System.Text.Json.Nodes;

namespace EdgeInference.Greengrass.Emulator.Recipes;

/// <summary>Who may read or execute an artifact (<c>Permission.Read</c>/<c>Permission.Execute</c>).</summary>
public enum ArtifactAccess
{
    /// <summary>Nobody beyond the owner's read access.</summary>
    None,

    /// <summary>The owner (and its group, which the nucleus counts as the owner).</summary>
    Owner,

    /// <summary>Everyone.</summary>
    All,
}

/// <summary>One manifest <c>Artifacts</c> entry.</summary>
/// <param name="Uri">e.g. <c>s3://bucket/com.example.A/1.0.0/app.zip</c>.</param>
/// <param name="Unarchive">True for <c>Unarchive: ZIP</c>.</param>
/// <param name="Read">Permission.Read (default OWNER).</param>
/// <param name="Execute">Permission.Execute (default NONE).</param>
/// <param name="Digest">Base64 digest of the file, when the recipe has one.</param>
/// <param name="Algorithm">Digest algorithm, e.g. <c>SHA-256</c>.</param>
public sealed record ComponentArtifact(string Uri, bool Unarchive, ArtifactAccess Read, ArtifactAccess Execute, string? Digest, string? Algorithm)
{
    /// <summary>The file name the URI refers to (its last path segment).</summary>
    public string FileName
    {
        get
        {
            var withoutQuery = Uri.Split('?', 2)[0];
            return withoutQuery[(withoutQuery.LastIndexOf('/') + 1)..];
        }
    }

    /// <summary>Docker image artifacts are pulled by the Docker application manager, not copied.</summary>
    public bool IsDockerImage => Uri.StartsWith("docker:", StringComparison.OrdinalIgnoreCase);

    /// <summary>Reads an artifact entry; values are case-insensitive like the nucleus's enums.</summary>
    /// <exception cref="RecipeException">No URI, or an Unarchive/Permission value the nucleus does not know.</exception>
    public static ComponentArtifact Parse(JsonObject artifact)
    {
        var uri = artifact.MemberText("URI");
        if (string.IsNullOrEmpty(uri))
        {
            throw new RecipeException("uri is marked non-null but is null");
        }

        var unarchive = artifact.MemberText("Unarchive")?.ToUpperInvariant() switch
        {
            null or "NONE" => false,
            "ZIP" => true,
            var other => throw new RecipeException($"Unarchive '{other}' is not one of NONE, ZIP"),
        };
        var permission = artifact.Member("Permission") as JsonObject;
        return new ComponentArtifact(
            uri,
            unarchive,
            Access(permission.MemberText("Read"), ArtifactAccess.Owner, "Read"),
            Access(permission.MemberText("Execute"), ArtifactAccess.None, "Execute"),
            artifact.MemberText("Digest"),
            artifact.MemberText("Algorithm"));
    }

    private static ArtifactAccess Access(string? value, ArtifactAccess fallback, string name) => value?.ToUpperInvariant() switch
    {
        null => fallback,
        "NONE" => ArtifactAccess.None,
        "OWNER" => ArtifactAccess.Owner,
        "ALL" => ArtifactAccess.All,
        var other => throw new RecipeException($"Permission.{name} '{other}' is not one of NONE, OWNER, ALL"),
    };
}
