namespace EdgeInference.Core.Packages;

/// <summary>
/// Bounds on what reading a model package may cost, checked before bytes are held: entry count, one entry's size (declared
/// and actually inflated), all entries together, and the manifest's size.
/// </summary>
public sealed record PackageLimits
{
    public static PackageLimits Default { get; } = new();

    /// <summary>Entries of a zip, or files of a folder.</summary>
    public int MaxEntries { get; init; } = 10_000;

    /// <summary>One entry (the model is held in memory from a zip, so at most what one .NET array holds: just under 2 GiB).</summary>
    public long MaxEntryBytes { get; init; } = Array.MaxLength;

    /// <summary>All entries together, uncompressed.</summary>
    public long MaxTotalBytes { get; init; } = 4L * 1024 * 1024 * 1024;

    /// <summary>
    /// Largest ratio of an entry's declared size to its compressed size, for entries of at least
    /// <see cref="RatioCheckedFromBytes"/> (a small zip that claims gigabytes is refused before a byte is inflated).
    /// </summary>
    public double MaxCompressionRatio { get; init; } = 200;

    /// <summary>Entries smaller than this are not held to <see cref="MaxCompressionRatio"/>.</summary>
    public long RatioCheckedFromBytes { get; init; } = 1024 * 1024;

    /// <summary><c>manifest.json</c> (a manifest is a few KB).</summary>
    public long MaxManifestBytes { get; init; } = 1024 * 1024;
}
