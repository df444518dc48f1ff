namespace EdgeInference.Worker.Greengrass;

/// <summary>Greengrass component-version ARNs, as GreengrassV2 writes them.</summary>
public static class ComponentArns
{
    /// <summary><c>arn:PARTITION:greengrass:REGION:ACCOUNT:components:NAME:versions:VERSION</c>, or null when a part is unknown.</summary>
    public static string? Build(string? region, string? account, string? componentName, string? componentVersion)
    {
        if (string.IsNullOrWhiteSpace(region) || string.IsNullOrWhiteSpace(account) || string.IsNullOrWhiteSpace(componentName) || string.IsNullOrWhiteSpace(componentVersion))
        {
            return null;
        }

        return $"arn:{Partition(region)}:greengrass:{region}:{account}:components:{componentName}:versions:{componentVersion}";
    }

    /// <summary>The AWS partition of a region (aws, aws-cn, aws-us-gov).</summary>
    public static string Partition(string region) =>
        region.StartsWith("cn-", StringComparison.Ordinal) ? "aws-cn"
        : region.StartsWith("us-gov-", StringComparison.Ordinal) ? "aws-us-gov"
        : "aws";

    /// <summary>
    /// The component name and version in a component's <c>{artifacts:path}</c> — the nucleus keeps artifacts at
    /// <c>&lt;root&gt;/packages/artifacts/&lt;name&gt;/&lt;version&gt;</c> — or null when the path is not shaped so.
    /// </summary>
    public static (string Name, string Version)? FromArtifactsPath(string? artifactsPath)
    {
        if (string.IsNullOrWhiteSpace(artifactsPath))
        {
            return null;
        }

        var parts = artifactsPath.TrimEnd('/', '\\').Split('/', '\\');
        if (parts.Length < 3 || parts[^3] != "artifacts" || parts[^2].Length == 0 || parts[^1].Length == 0)
        {
            return null;
        }

        return (parts[^2], parts[^1]);
    }
}
