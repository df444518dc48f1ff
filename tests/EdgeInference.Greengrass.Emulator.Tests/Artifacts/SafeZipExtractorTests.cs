using System.IO.Compression;
using EdgeInference.Greengrass.Emulator.Artifacts;
using Xunit;

namespace EdgeInference.Greengrass.Emulator.Tests.Artifacts;

/// <summary>Bounded, traversal-safe unpacking, on archives built here (a zip bomb, traversal and link entries).</summary>
public sealed class SafeZipExtractorTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("gge-zip-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Extract_OrdinaryArchive_WritesFilesAndFolders()
    {
        var zip = Zip("ok.zip", archive =>
        {
            Add(archive, "bin/app.sh", "echo hi");
            archive.CreateEntry("empty/");
            Add(archive, "a/../readme.txt", "inside after all");
        });

        var files = SafeZipExtractor.Extract(zip, Destination, ArchiveLimits.Default);

        Assert.Equal(2, files);
        Assert.Equal("echo hi", File.ReadAllText(Path.Combine(Destination, "bin", "app.sh")));
        Assert.True(Directory.Exists(Path.Combine(Destination, "empty")));
        Assert.Equal("inside after all", File.ReadAllText(Path.Combine(Destination, "readme.txt")));
    }

    [Fact]
    public void Extract_ZipBomb_IsRefusedByTheRatio_NamingArchiveAndEntry_AndLeavesNothing()
    {
        var zip = Zip("bomb.zip", archive =>
        {
            using var entry = archive.CreateEntry("zeros.bin", CompressionLevel.SmallestSize).Open();
            var block = new byte[1024 * 1024];
            for (var i = 0; i < 64; i++)
            {
                entry.Write(block);
            }
        });

        var error = Assert.Throws<ArchiveException>(() => SafeZipExtractor.Extract(zip, Destination, ArchiveLimits.Default));

        Assert.Equal((zip, "zeros.bin"), (error.ArchivePath, error.EntryName));
        Assert.Contains("limit: maximum compression ratio", error.Message, StringComparison.Ordinal);
        Assert.StartsWith($"Refusing to unpack {zip}: entry 'zeros.bin' expands more than 200:1", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Destination));
    }

    [Fact]
    public void Extract_PastTheTotalBound_IsRefusedOnBytesWritten()
    {
        var zip = Zip("big.zip", archive =>
        {
            Add(archive, "one.txt", new string('a', 600), CompressionLevel.NoCompression);
            Add(archive, "two.txt", new string('b', 600), CompressionLevel.NoCompression);
        });

        var error = Assert.Throws<ArchiveException>(() => SafeZipExtractor.Extract(zip, Destination, new ArchiveLimits { MaxUnpackedBytes = 1000 }));

        Assert.Equal("two.txt", error.EntryName);
        Assert.Contains("takes the archive past 1000 unpacked bytes (limit: maximum unpacked bytes)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Extract_TooManyEntries_IsRefused()
    {
        var zip = Zip("many.zip", archive =>
        {
            for (var i = 0; i < 4; i++)
            {
                Add(archive, $"f{i}.txt", "x");
            }
        });

        var error = Assert.Throws<ArchiveException>(() => SafeZipExtractor.Extract(zip, Destination, new ArchiveLimits { MaxEntries = 3 }));

        Assert.Equal("f3.txt", error.EntryName);
        Assert.Contains("an archive may hold at most 3 entries (limit: maximum entries)", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../escape.txt", "is outside of the target dir")]
    [InlineData("a/../../escape.txt", "is outside of the target dir")]
    [InlineData("/etc/escape.txt", "is an absolute path")]
    public void Extract_EntryEscapingTheFolder_IsRefusedNamingIt_AndWritesNothingOutside(string name, string rule)
    {
        var zip = Zip("traversal.zip", archive =>
        {
            Add(archive, "fine.txt", "ok");
            Add(archive, name, "evil");
        });

        var error = Assert.Throws<ArchiveException>(() => SafeZipExtractor.Extract(zip, Destination, ArchiveLimits.Default));

        Assert.Equal(name, error.EntryName);
        Assert.StartsWith($"Refusing to unpack {zip}: entry '{name}' {rule}", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_folder, "escape.txt")));
        Assert.False(Directory.Exists(Destination));
    }

    [Fact]
    public void Extract_SymbolicLinkEntry_IsRefused()
    {
        var zip = Zip("link.zip", archive =>
        {
            var entry = archive.CreateEntry("passwd");
            entry.ExternalAttributes = (0xA000 | 0x1FF) << 16;
            using var writer = new StreamWriter(entry.Open());
            writer.Write("/etc/passwd");
        });

        var error = Assert.Throws<ArchiveException>(() => SafeZipExtractor.Extract(zip, Destination, ArchiveLimits.Default));

        Assert.Equal("passwd", error.EntryName);
        Assert.Contains("is a symbolic link", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Extract_NotAZip_IsRefusedNamingTheArchive()
    {
        var path = Path.Combine(_folder, "broken.zip");
        File.WriteAllText(path, "not a zip");

        var error = Assert.Throws<ArchiveException>(() => SafeZipExtractor.Extract(path, Destination, ArchiveLimits.Default));

        Assert.Equal(path, error.ArchivePath);
        Assert.Contains("could not be unpacked", error.Message, StringComparison.Ordinal);
    }

    private string Destination => Path.Combine(_folder, "out", "unpacked");

    private static void Add(ZipArchive archive, string name, string text, CompressionLevel level = CompressionLevel.Optimal)
    {
        using var writer = new StreamWriter(archive.CreateEntry(name, level).Open());
        writer.Write(text);
    }

    private string Zip(string name, Action<ZipArchive> fill)
    {
        var path = Path.Combine(_folder, name);
        using var archive = ZipFile.Open(path, ZipArchiveMode.Create);
        fill(archive);
        return path;
    }
}
