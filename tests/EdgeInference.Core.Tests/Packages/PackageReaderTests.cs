using EdgeInference.Core.Inference;
using EdgeInference.Core.Packages;
using EdgeInference.Testing.Packaging;
using Xunit;

namespace EdgeInference.Core.Tests.Packages;

/// <summary>The one package reader's container rules, on hostile zips and folders crafted in the test (nothing big is written: sizes are declared, not stored).</summary>
public sealed class PackageReaderTests : IDisposable
{
    private const string Manifest = """{"Task": "embedding", "Input": {"Name": "x", "Width": 8, "Height": 8}, "Outputs": [{"Name": "e", "Role": "Embedding"}]}""";
    private readonly string _root = Directory.CreateTempSubdirectory("ei-package-reader-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(_root, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static ModelPackageException Refused(Func<object> action) => Assert.Throws<ModelPackageException>(() =>
    {
        var result = action();
        (result as IDisposable)?.Dispose();
    });

    [Fact]
    public void Open_ZipUnderOneTopFolder_EntriesRelativeToIt()
    {
        var zip = Write("p.zip", HostileZips.Zip(("pkg/manifest.json", "{}"u8.ToArray()), ("pkg/model.onnx", [1, 2, 3]), ("__MACOSX/pkg/._model.onnx", [9])));

        using var reader = PackageReader.Open(zip);

        Assert.Equal(["manifest.json", "model.onnx"], reader.Entries.Select(e => e.Name));
        Assert.Equal("pkg", reader.TopFolder);
        Assert.Equal([1, 2, 3], reader.ReadAllBytes(reader.Find("model.onnx")!));
    }

    [Fact]
    public void Open_EntryDeclaringOver2GiB_RefusedByDeclaredSizeWithCode()
    {
        var zip = Write("big.zip", HostileZips.DeclareSize(HostileZips.Zip(("manifest.json", "{}"u8.ToArray()), ("model.onnx", new byte[1000])), "model.onnx", 3u << 30));

        var error = Refused(() => PackageReader.Open(zip));

        Assert.Equal(PackageErrorCodes.PackageEntryTooLarge, error.Code);
        Assert.Contains("entry 'model.onnx' is 3,221,225,472 bytes", error.Message, StringComparison.Ordinal);
        Assert.Contains(zip, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadAllBytes_EntryInflatingPastItsDeclaredSize_RefusedWithCode()
    {
        var zip = Write("bomb.zip", HostileZips.DeclareSize(HostileZips.Zip(("model.onnx", new byte[1 << 20])), "model.onnx", 16));
        using var reader = PackageReader.Open(zip);

        var error = Assert.Throws<ModelPackageException>(() => reader.ReadAllBytes(reader.Find("model.onnx")!));

        Assert.Equal(PackageErrorCodes.PackageEntryTooLarge, error.Code);
        Assert.Contains("entry 'model.onnx' does not inflate to the 16 bytes and CRC-32 its header declares", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OpenEntry_EntryInflatingPastItsDeclaredSize_StreamStopsWithCode()
    {
        var zip = Write("bomb.zip", HostileZips.DeclareSize(HostileZips.Zip(("data.bin", new byte[1 << 20])), "data.bin", 16));
        using var reader = PackageReader.Open(zip);
        using var stream = reader.OpenEntry(reader.Find("data.bin")!);

        var error = Assert.Throws<ModelPackageException>(() => stream.CopyTo(Stream.Null));

        Assert.Equal(PackageErrorCodes.PackageEntryTooLarge, error.Code);
    }

    [Fact]
    public void Open_SmallZipDeclaringGigabytes_RefusedByTheRatioBeforeInflating()
    {
        var zip = Write("ratio.zip", HostileZips.DeclareSize(HostileZips.Zip(("model.onnx", new byte[64 * 1024])), "model.onnx", 1u << 30));

        var error = Refused(() => PackageReader.Open(zip));

        Assert.Equal(PackageErrorCodes.PackageEntryTooLarge, error.Code);
        Assert.Contains("expands more than 200:1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_TotalOverTheLimit_RefusedWithCode()
    {
        var zip = Write("total.zip", HostileZips.Zip(("a.bin", new byte[600]), ("b.bin", new byte[600])));

        var error = Refused(() => PackageReader.Open(zip, new PackageLimits { MaxTotalBytes = 1000 }));

        Assert.Equal(PackageErrorCodes.PackageTooLarge, error.Code);
        Assert.Contains("'b.bin'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_MoreEntriesThanTheLimit_RefusedWithCode()
    {
        var zip = Write("many.zip", HostileZips.Zip(Enumerable.Range(0, 5).Select(i => ($"f{i}", new byte[1])).ToArray()));

        Assert.Equal(PackageErrorCodes.PackageTooManyEntries, Refused(() => PackageReader.Open(zip, new PackageLimits { MaxEntries = 4 })).Code);
    }

    [Theory]
    [InlineData("../../etc/passwd")]
    [InlineData("/etc/passwd")]
    [InlineData("pkg/../../x")]
    public void Open_EntryOutsideThePackage_RefusedNamingArchiveAndEntry(string name)
    {
        var zip = Write("traversal.zip", HostileZips.Zip(("manifest.json", "{}"u8.ToArray()), (name, [1])));

        var error = Refused(() => PackageReader.Open(zip));

        Assert.Equal(PackageErrorCodes.PackagePathOutside, error.Code);
        Assert.Contains($"'{name}'", error.Message, StringComparison.Ordinal);
        Assert.Contains(zip, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_ZipSymlinkEntry_Refused()
    {
        var zip = Write("link.zip", HostileZips.MarkSymlink(HostileZips.Zip(("manifest.json", "{}"u8.ToArray()), ("model.onnx", "/etc/passwd"u8.ToArray())), "model.onnx"));

        var error = Refused(() => PackageReader.Open(zip));

        Assert.Equal(PackageErrorCodes.PackagePathOutside, error.Code);
        Assert.Contains("'model.onnx' that is a symbolic link", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_FolderWithSymlinkOut_RefusedNamingTheLink()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_root, "pkg")).FullName;
        File.WriteAllText(Path.Combine(folder, "manifest.json"), Manifest);
        var secret = Write("secret.txt", "outside"u8.ToArray());
        Directory.CreateDirectory(Path.Combine(folder, "extra"));
        File.CreateSymbolicLink(Path.Combine(folder, "extra", "notes.txt"), secret);

        var error = Refused(() => PackageReader.Open(folder));

        Assert.Equal(PackageErrorCodes.PackagePathOutside, error.Code);
        Assert.Contains("symbolic link 'extra/notes.txt'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_FolderWithSymlinkInside_FollowsIt()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_root, "pkg")).FullName;
        File.WriteAllText(Path.Combine(folder, "manifest.json"), Manifest);
        File.WriteAllBytes(Path.Combine(folder, "model-v2.onnx"), [7, 7]);
        File.CreateSymbolicLink(Path.Combine(folder, "model.onnx"), "model-v2.onnx");

        using var reader = PackageReader.Open(folder);

        Assert.Equal([7, 7], reader.ReadAllBytes(reader.Find("model.onnx")!));
    }

    [Fact]
    public void ReadManifest_ManifestOverTheLimit_Refused()
    {
        var zip = Write("m.zip", HostileZips.Zip(("manifest.json", new byte[2048])));
        using var reader = PackageReader.Open(zip, new PackageLimits { MaxManifestBytes = 1024 });

        Assert.Equal(PackageErrorCodes.PackageEntryTooLarge, Assert.Throws<ModelPackageException>(() => reader.ReadManifest()).Code);
    }
}
