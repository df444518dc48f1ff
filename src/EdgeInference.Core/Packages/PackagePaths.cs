namespace EdgeInference.Core.Packages;

/// <summary>The path rule of a package: a name inside it is relative, has no <c>..</c> segment, no NUL and no drive or root.</summary>
public static class PackagePaths
{
    /// <summary>True when <paramref name="name"/> (either slash) stays inside the package folder.</summary>
    public static bool IsInside(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var normalized = name.Replace('\\', '/');
        return normalized.Length > 0
            && !normalized.Contains('\0', StringComparison.Ordinal)
            && !normalized.StartsWith('/')
            && !(normalized.Length > 1 && normalized[1] == ':')
            && !Path.IsPathRooted(normalized)
            && !normalized.Split('/').Contains("..");
    }

    /// <summary>True when the full path <paramref name="path"/> is <paramref name="root"/> or under it.</summary>
    public static bool IsUnder(string path, string root)
    {
        var rootWithSeparator = root.EndsWith(Path.DirectorySeparatorChar) ? root : root + Path.DirectorySeparatorChar;
        return path == root.TrimEnd(Path.DirectorySeparatorChar) || path.StartsWith(rootWithSeparator, StringComparison.Ordinal);
    }
}
