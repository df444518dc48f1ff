namespace EdgeInference.Greengrass.Emulator.Artifacts;

/// <summary>
/// Bounds on unpacking a <c>Unarchive: ZIP</c> artifact, so a malformed or hostile archive (a zip bomb) cannot fill the
/// disk. Counted on the bytes actually written, not on what the archive declares. The nucleus has no such bounds; the
/// emulator adds them and says so in its README.
/// </summary>
public sealed class ArchiveLimits
{
    /// <summary>4 GiB: well above a self-contained .NET worker with ONNX Runtime and OpenCV (~350 MB unpacked).</summary>
    public const long DefaultMaxUnpackedBytes = 4L * 1024 * 1024 * 1024;

    /// <summary>100,000 entries.</summary>
    public const int DefaultMaxEntries = 100_000;

    /// <summary>200:1 — text compresses about 5–10:1, binaries less; bombs reach 1000:1 and more.</summary>
    public const double DefaultMaxCompressionRatio = 200;

    /// <summary>Entries smaller than this (1 MiB) are not held to the ratio: tiny files compress well and cannot add up to a bomb under the total bound.</summary>
    public const long RatioCheckedFromBytes = 1024 * 1024;

    /// <summary>The defaults.</summary>
    public static ArchiveLimits Default { get; } = new();

    /// <summary>Most bytes one archive may unpack to.</summary>
    /// <value>Defaults to <see cref="DefaultMaxUnpackedBytes"/>.</value>
    public long MaxUnpackedBytes { get; init; } = DefaultMaxUnpackedBytes;

    /// <summary>Most entries (files and folders) one archive may hold.</summary>
    /// <value>Defaults to <see cref="DefaultMaxEntries"/>.</value>
    public int MaxEntries { get; init; } = DefaultMaxEntries;

    /// <summary>Largest ratio of unpacked to compressed size of one entry of at least <see cref="RatioCheckedFromBytes"/>.</summary>
    /// <value>Defaults to <see cref="DefaultMaxCompressionRatio"/>.</value>
    public double MaxCompressionRatio { get; init; } = DefaultMaxCompressionRatio;

    /// <summary>Checks the values.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A limit that is not positive.</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxUnpackedBytes);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxEntries);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxCompressionRatio, 1);
    }
}
