using System.Globalization;
using System.IO.Compression;
using EdgeInference.Core.Inference;
using EdgeInference.Core.Manifest;

namespace EdgeInference.Core.Packages;

/// <summary>One file of a package: its name relative to the package root ('/'-separated) and its (declared) size.</summary>
public sealed record PackageEntry(string Name, long Length);

/// <summary>
/// The one reader of model packages — a folder, or a .zip with its files at the root or under one top folder — for every
/// entry point (worker load, <c>models register</c>, create-model, the training output). It holds the rules about the
/// container: within <see cref="PackageLimits"/> (entry count, one entry's declared and inflated size, the total),
/// every name inside the package (no <c>..</c>, no absolute path, no zip link entry), and no symbolic link in a folder
/// that leads out of it. Each refusal is a <see cref="ModelPackageException"/> with a <see cref="PackageErrorCodes"/> code,
/// naming the package and the entry. Entries stream; nothing is read whole unless asked (<see cref="ReadAllBytes"/>).
/// </summary>
public sealed class PackageReader : IDisposable
{
    private const int UnixFileTypeMask = 0xF000;
    private const int UnixSymbolicLink = 0xA000;
    private readonly ZipArchive? _zip;
    private readonly string _prefix;
    private readonly Dictionary<string, PackageEntry> _byName;
    private readonly Dictionary<string, string> _files = new(StringComparer.Ordinal);

    private PackageReader(string path, ZipArchive? zip, string prefix, IReadOnlyList<PackageEntry> entries, PackageLimits limits)
    {
        Path = path;
        _zip = zip;
        _prefix = prefix;
        Entries = entries;
        Limits = limits;
        _byName = entries.ToDictionary(e => e.Name, StringComparer.Ordinal);
    }

    /// <summary>The package's full path.</summary>
    public string Path { get; }

    public bool IsZip => _zip is not null;

    public PackageLimits Limits { get; }

    /// <summary>The zip's top folder the package sits in (without '/'), or null.</summary>
    public string? TopFolder => _prefix.Length == 0 ? null : _prefix.TrimEnd('/');

    /// <summary>Every file of the package, relative to its root (a folder's hidden files — names starting with '.' — left out).</summary>
    public IReadOnlyList<PackageEntry> Entries { get; }

    /// <summary>Opens a folder or a .zip.</summary>
    /// <exception cref="ModelPackageException">Missing, unreadable, or breaking a container rule (the message names it and the code).</exception>
    public static PackageReader Open(string path, PackageLimits? limits = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        limits ??= PackageLimits.Default;
        var fullPath = System.IO.Path.GetFullPath(path);
        if (Directory.Exists(fullPath))
        {
            return OpenFolder(fullPath.TrimEnd(System.IO.Path.DirectorySeparatorChar), limits);
        }

        if (File.Exists(fullPath))
        {
            return OpenZip(fullPath, limits);
        }

        throw new ModelPackageException(
            $"Model package '{fullPath}' does not exist (expected a folder or a .zip with {ModelManifest.FileName} and {ModelManifest.DefaultModelFileName}).");
    }

    /// <summary>The entry named <paramref name="name"/> (either slash), or null.</summary>
    public PackageEntry? Find(string name) => _byName.GetValueOrDefault(name.Replace('\\', '/'));

    /// <summary>The file on disk of a folder package's entry (links resolved and checked inside), or null for a zip.</summary>
    public string? FilePathOf(PackageEntry entry) => _zip is null ? _files[entry.Name] : null;

    /// <summary>A stream of the entry that refuses to give more bytes than it declared (a zip entry that inflates past its header).</summary>
    public Stream OpenEntry(PackageEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        try
        {
            if (_zip is null)
            {
                return new BoundedStream(new FileStream(_files[entry.Name], FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan), entry, this, null);
            }

            // .NET stops inflating at the declared size; the CRC-32 at the end tells a stream that had more (or other) bytes.
            var zipEntry = _zip.GetEntry(_prefix + entry.Name)!;
            return new BoundedStream(zipEntry.Open(), entry, this, zipEntry.Crc32);
        }
        catch (InvalidDataException ex)
        {
            throw Unreadable(entry, ex);
        }
    }

    /// <summary>The whole entry in memory (bounded by <see cref="PackageLimits.MaxEntryBytes"/>, checked when the package was opened).</summary>
    public byte[] ReadAllBytes(PackageEntry entry)
    {
        using var stream = OpenEntry(entry);
        var bytes = new byte[entry.Length];
        try
        {
            stream.ReadExactly(bytes);
            if (stream.ReadByte() >= 0)
            {
                throw Inflates(entry);
            }
        }
        catch (EndOfStreamException ex)
        {
            throw new ModelPackageException($"Model package '{Path}' entry '{entry.Name}' ends before its declared {entry.Length} bytes ({PackageErrorCodes.PackageUnreadable}).", PackageErrorCodes.PackageUnreadable, ex);
        }
        catch (InvalidDataException ex)
        {
            throw Unreadable(entry, ex);
        }

        return bytes;
    }

    /// <summary>The manifest of the package, parsed (not yet checked: <see cref="ManifestRules"/>), and the bytes it came from.</summary>
    public (ModelManifest Manifest, byte[] Bytes) ReadManifest()
    {
        var entry = Find(ModelManifest.FileName)
            ?? throw new ModelPackageException(IsZip
                ? $"Model package '{Path}' has no {ModelManifest.FileName} at its root or in one top folder."
                : $"Model package '{Path}' has no {ModelManifest.FileName}.");
        var bytes = ReadManifestBytes(entry);
        return (ManifestRules.Parse(bytes, IsZip ? $"{Path}!{_prefix}{entry.Name}" : System.IO.Path.Combine(Path, entry.Name)), bytes);
    }

    private byte[] ReadManifestBytes(PackageEntry entry)
    {
        if (entry.Length > Limits.MaxManifestBytes)
        {
            throw new ModelPackageException(
                $"Model package '{Path}' has a {entry.Length}-byte {ModelManifest.FileName}; the limit is {Limits.MaxManifestBytes} ({PackageErrorCodes.PackageEntryTooLarge}).",
                PackageErrorCodes.PackageEntryTooLarge);
        }

        return ReadAllBytes(entry);
    }

    public void Dispose() => _zip?.Dispose();

    private static PackageReader OpenFolder(string root, PackageLimits limits)
    {
        var entries = new List<PackageEntry>();
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        long total = 0;
        var pending = new Stack<(DirectoryInfo Folder, string Relative)>();
        pending.Push((new DirectoryInfo(root), string.Empty));
        while (pending.Count > 0)
        {
            var (folder, relative) = pending.Pop();
            foreach (var item in folder.EnumerateFileSystemInfos())
            {
                if (item.Name.StartsWith('.'))
                {
                    continue;
                }

                var name = relative + item.Name;
                FileSystemInfo target = item;
                if (item.LinkTarget is not null)
                {
                    var final = item.ResolveLinkTarget(returnFinalTarget: true);
                    if (final is null || !final.Exists || !PackagePaths.IsUnder(System.IO.Path.GetFullPath(final.FullName), root))
                    {
                        throw new ModelPackageException(
                            $"Model package '{root}' has a symbolic link '{name}' to '{item.LinkTarget}', which leads outside the package; "
                            + $"copy the file into the package instead ({PackageErrorCodes.PackagePathOutside}).",
                            PackageErrorCodes.PackagePathOutside);
                    }

                    if (final is DirectoryInfo)
                    {
                        continue; // Its files are in the package already; not walking links keeps the walk finite.
                    }

                    target = final;
                }

                if (target is DirectoryInfo directory)
                {
                    pending.Push((directory, name + "/"));
                    continue;
                }

                if (entries.Count >= limits.MaxEntries)
                {
                    throw TooManyEntries(root, name, limits);
                }

                var length = ((FileInfo)target).Length;
                total = Add(root, name, length, total, limits);
                entries.Add(new PackageEntry(name, length));
                files[name] = target.FullName;
            }
        }

        var reader = new PackageReader(root, null, string.Empty, entries.OrderBy(e => e.Name, StringComparer.Ordinal).ToList(), limits);
        foreach (var (name, file) in files)
        {
            reader._files[name] = file;
        }

        return reader;
    }

    private static PackageReader OpenZip(string zipPath, PackageLimits limits)
    {
        ZipArchive? archive = null;
        try
        {
            archive = ZipFile.OpenRead(zipPath);
            var all = archive.Entries;
            if (all.Count > limits.MaxEntries)
            {
                throw TooManyEntries(zipPath, all[limits.MaxEntries].FullName, limits);
            }

            long total = 0;
            foreach (var entry in all)
            {
                if (!PackagePaths.IsInside(entry.FullName))
                {
                    throw new ModelPackageException(
                        $"Model package '{zipPath}' has an entry '{entry.FullName}' outside the package (an absolute path or a '..' segment) ({PackageErrorCodes.PackagePathOutside}).",
                        PackageErrorCodes.PackagePathOutside);
                }

                if (((entry.ExternalAttributes >> 16) & UnixFileTypeMask) == UnixSymbolicLink)
                {
                    throw new ModelPackageException(
                        $"Model package '{zipPath}' has an entry '{entry.FullName}' that is a symbolic link; a package holds files only ({PackageErrorCodes.PackagePathOutside}).",
                        PackageErrorCodes.PackagePathOutside);
                }

                total = Add(zipPath, entry.FullName, entry.Length, total, limits);
                if (entry.Length >= limits.RatioCheckedFromBytes && entry.Length > Math.Max(entry.CompressedLength, 1) * limits.MaxCompressionRatio)
                {
                    throw new ModelPackageException(
                        $"Model package '{zipPath}' entry '{entry.FullName}' expands more than {limits.MaxCompressionRatio}:1 ({Bytes(entry.CompressedLength)} compressed bytes "
                        + $"declare {Bytes(entry.Length)}) ({PackageErrorCodes.PackageEntryTooLarge}).",
                        PackageErrorCodes.PackageEntryTooLarge);
                }
            }

            var manifest = all
                .Where(e => e.Name == ModelManifest.FileName && e.FullName.Count(c => c == '/') <= 1)
                .OrderBy(e => e.FullName.Length)
                .FirstOrDefault();
            var prefix = manifest is null ? string.Empty : manifest.FullName[..^manifest.Name.Length];
            var entries = all
                .Where(e => !e.FullName.EndsWith('/') && e.FullName.StartsWith(prefix, StringComparison.Ordinal))
                .Select(e => new PackageEntry(e.FullName[prefix.Length..], e.Length))
                .GroupBy(e => e.Name, StringComparer.Ordinal)
                .Select(g => g.First())
                .OrderBy(e => e.Name, StringComparer.Ordinal)
                .ToList();
            return new PackageReader(zipPath, archive, prefix, entries, limits);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            archive?.Dispose();
            throw new ModelPackageException(
                $"Model package '{zipPath}' is neither a folder nor a readable .zip: {ex.Message} ({PackageErrorCodes.PackageUnreadable})",
                PackageErrorCodes.PackageUnreadable, ex);
        }
        catch
        {
            archive?.Dispose();
            throw;
        }
    }

    private static long Add(string package, string name, long length, long total, PackageLimits limits)
    {
        if (length > limits.MaxEntryBytes)
        {
            throw new ModelPackageException(
                $"Model package '{package}' entry '{name}' is {Bytes(length)} bytes; one entry may be at most {Bytes(limits.MaxEntryBytes)} ({PackageErrorCodes.PackageEntryTooLarge}).",
                PackageErrorCodes.PackageEntryTooLarge);
        }

        if (length > limits.MaxTotalBytes - total)
        {
            throw new ModelPackageException(
                $"Model package '{package}' is over {Bytes(limits.MaxTotalBytes)} bytes uncompressed at entry '{name}' ({PackageErrorCodes.PackageTooLarge}).",
                PackageErrorCodes.PackageTooLarge);
        }

        return total + length;
    }

    private static ModelPackageException TooManyEntries(string package, string name, PackageLimits limits) => new(
        $"Model package '{package}' has more than {limits.MaxEntries} entries (at '{name}') ({PackageErrorCodes.PackageTooManyEntries}).",
        PackageErrorCodes.PackageTooManyEntries);

    private ModelPackageException Inflates(PackageEntry entry) => new(
        $"Model package '{Path}' entry '{entry.Name}' inflates past the {Bytes(entry.Length)} bytes it declares ({PackageErrorCodes.PackageEntryTooLarge}).",
        PackageErrorCodes.PackageEntryTooLarge);

    private ModelPackageException Mismatch(PackageEntry entry) => new(
        $"Model package '{Path}' entry '{entry.Name}' does not inflate to the {Bytes(entry.Length)} bytes and CRC-32 its header declares "
        + $"(a size that lies, or a damaged archive) ({PackageErrorCodes.PackageEntryTooLarge}).",
        PackageErrorCodes.PackageEntryTooLarge);

    private ModelPackageException Unreadable(PackageEntry entry, Exception ex) => new(
        $"Model package '{Path}' entry '{entry.Name}' cannot be read: {ex.Message} ({PackageErrorCodes.PackageUnreadable})", PackageErrorCodes.PackageUnreadable, ex);

    private static string Bytes(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>Counts what it gives and refuses past the entry's declared length; for a zip entry, checks the CRC-32 at the end.</summary>
    private sealed class BoundedStream(Stream inner, PackageEntry entry, PackageReader reader, uint? expectedCrc) : Stream
    {
        private long _read;
        private uint _crc = 0xFFFFFFFFu;
        private bool _checked;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => entry.Length;
        public override long Position { get => _read; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            int read;
            try
            {
                // Ask for at most one byte beyond the declared end: enough to see that it inflates past it.
                var allowed = (int)Math.Min(buffer.Length, Math.Max(entry.Length - _read, 0) + 1);
                read = inner.Read(buffer[..allowed]);
            }
            catch (InvalidDataException ex)
            {
                throw reader.Unreadable(entry, ex);
            }

            _read += read;
            if (_read > entry.Length)
            {
                throw reader.Inflates(entry);
            }

            if (expectedCrc is { } expected)
            {
                _crc = Crc32.Append(_crc, buffer[..read]);
                if (read == 0 && !_checked && buffer.Length > 0)
                {
                    _checked = true;
                    if ((_crc ^ 0xFFFFFFFFu) != expected || _read != entry.Length)
                    {
                        throw reader.Mismatch(entry);
                    }
                }
            }

            return read;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}

/// <summary>CRC-32 (IEEE 802.3, as zip uses it), table-driven; BCL has none outside System.IO.Hashing.</summary>
internal static class Crc32
{
    private static readonly uint[] Table = Build();

    /// <summary>Continues <paramref name="crc"/> (start with 0xFFFFFFFF, finish by XOR with 0xFFFFFFFF) over <paramref name="data"/>.</summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        foreach (var b in data)
        {
            crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }

        return crc;
    }

    private static uint[] Build()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            var c = i;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }

            table[i] = c;
        }

        return table;
    }
}
