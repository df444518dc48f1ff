using EdgeInference.Core.Inference;
using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using EdgeInference.Core.Manifest;
using EdgeInference.Core.Packages;
using EdgeInference.Onnx.Packages;
using EdgeInference.Testing;
using EdgeInference.Testing.Packaging;
using Xunit;

namespace EdgeInference.Onnx.Tests.Packages;

public sealed class ModelPackageTests
{
    [Fact]
    public void Open_Folder_ReadsManifestAndModelBytes()
    {
        var package = ModelPackage.Open(TestModels.ColorClassifier);

        Assert.Equal(Path.GetFullPath(TestModels.ColorClassifier), package.Path);
        Assert.Equal("color-classifier", package.Name);
        Assert.Equal(ModelTask.Classification, package.Manifest.Task);
        Assert.Equal(["red", "green", "blue"], package.Manifest.Labels);
        Assert.Equal(File.ReadAllBytes(Path.Combine(TestModels.ColorClassifier, "model.onnx")), package.ReadModelBytes());
    }

    [Fact]
    public void Open_ZipWithFilesAtRoot_ReadsTheSamePackage()
    {
        var zip = TestPackages.Zip(TestModels.GreyAnomaly);

        var package = ModelPackage.Open(zip);
        var folder = ModelPackage.Open(TestModels.GreyAnomaly);

        Assert.Equal(zip, package.Path);
        Assert.Equal("grey-anomaly", package.Name);
        Assert.Equal(folder.Manifest.Input, package.Manifest.Input);
        Assert.Equal(folder.ReadModelBytes(), package.ReadModelBytes());
        Assert.Equal(folder.Sha256, package.Sha256);
    }

    [Fact]
    public void Open_ZipWithOneTopFolder_ReadsThePackageInside()
    {
        var zip = TestPackages.Zip(TestModels.ColorClassifier, topFolder: "color-classifier-v2");

        var package = ModelPackage.Open(zip);

        Assert.Equal(ModelTask.Classification, package.Manifest.Task);
        Assert.Equal(ModelPackage.Open(TestModels.ColorClassifier).Sha256, package.Sha256);
    }

    [Fact]
    public void Open_UnnamedManifest_TakesTheNameFromFolderTopFolderOrZipFile()
    {
        var unnamed = TestPackages.WithManifest(TestModels.ColorClassifier, m => m.Remove("Name"));
        var renamed = Path.Combine(Path.GetDirectoryName(unnamed)!, "line-3-colours");
        Directory.Move(unnamed, renamed);

        Assert.Equal("line-3-colours", ModelPackage.Open(renamed).Name);
        Assert.Equal("inner", ModelPackage.Open(TestPackages.Zip(renamed, topFolder: "inner")).Name);
        Assert.Equal("line-3-colours", ModelPackage.Open(TestPackages.Zip(renamed)).Name);
    }

    [Fact]
    public void Open_ModelFileNamedByManifest_IsRead()
    {
        var package = TestPackages.WithManifest(TestModels.ColorClassifier, m => m["ModelFile"] = "net.onnx");
        File.Move(Path.Combine(package, "model.onnx"), Path.Combine(package, "net.onnx"));

        var opened = ModelPackage.Open(package);

        Assert.Equal(File.ReadAllBytes(Path.Combine(package, "net.onnx")), opened.ReadModelBytes());
    }

    [Fact]
    public void Open_FolderWithoutManifest_NamesTheMissingFile()
    {
        var package = TestPackages.WithFile(TestModels.ColorClassifier, "manifest.json", null);

        var error = Assert.Throws<ModelPackageException>(() => ModelPackage.Open(package));

        Assert.Contains("manifest.json", error.Message, StringComparison.Ordinal);
        Assert.Contains(package, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_ZipWithoutManifest_NamesTheMissingFile()
    {
        var zip = TestPackages.Zip(TestPackages.WithFile(TestModels.ColorClassifier, "manifest.json", null));

        var error = Assert.Throws<ModelPackageException>(() => ModelPackage.Open(zip));

        Assert.Contains("manifest.json", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_ZipWithManifestTwoFoldersDown_IsNotFound()
    {
        var zip = Path.Combine(TestPackages.NewTempFolder(), "deep.zip");
        using (var archive = ZipFile.Open(zip, ZipArchiveMode.Create))
        {
            archive.CreateEntryFromFile(Path.Combine(TestModels.ColorClassifier, "manifest.json"), "a/b/manifest.json");
            archive.CreateEntryFromFile(Path.Combine(TestModels.ColorClassifier, "model.onnx"), "a/b/model.onnx");
        }

        var error = Assert.Throws<ModelPackageException>(() => ModelPackage.Open(zip));

        Assert.Contains("manifest.json", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_FolderWithoutModel_NamesTheMissingFile()
    {
        var package = TestPackages.WithFile(TestModels.ColorClassifier, "model.onnx", null);

        var error = Assert.Throws<ModelPackageException>(() => ModelPackage.Open(package));

        Assert.Contains("model.onnx", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_ZipWithoutTheModelTheManifestNames_NamesThatFile()
    {
        var zip = TestPackages.Zip(TestPackages.WithManifest(TestModels.ColorClassifier, m => m["ModelFile"] = "other.onnx"), topFolder: "pkg");

        var error = Assert.Throws<ModelPackageException>(() => ModelPackage.Open(zip));

        Assert.Contains("pkg/other.onnx", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_FolderWithBadJson_NamesTheManifestFile()
    {
        var package = TestPackages.WithFile(TestModels.ColorClassifier, "manifest.json", Encoding.UTF8.GetBytes("{ \"Task\": \"classification\", "));

        var error = Assert.Throws<ModelPackageException>(() => ModelPackage.Open(package));

        Assert.Contains(Path.Combine(package, "manifest.json"), error.Message, StringComparison.Ordinal);
        Assert.Contains("not a valid manifest", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_ZipWithBadJson_NamesTheZipAndEntry()
    {
        var zip = TestPackages.Zip(TestPackages.WithFile(TestModels.ColorClassifier, "manifest.json", Encoding.UTF8.GetBytes("[1,2")), topFolder: "pkg");

        var error = Assert.Throws<ModelPackageException>(() => ModelPackage.Open(zip));

        Assert.Contains($"{zip}!pkg/manifest.json", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_ManifestIsJsonNull_SaysItIsEmpty()
    {
        var package = TestPackages.WithFile(TestModels.ColorClassifier, "manifest.json", Encoding.UTF8.GetBytes("null"));

        var error = Assert.Throws<ModelPackageException>(() => ModelPackage.Open(package));

        Assert.Contains("empty", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_ManifestWithUnknownTask_NamesTheFile()
    {
        var package = TestPackages.WithManifest(TestModels.ColorClassifier, m => m["Task"] = "segmentation");

        var error = Assert.Throws<ModelPackageException>(() => ModelPackage.Open(package));

        Assert.Contains("manifest.json", error.Message, StringComparison.Ordinal);
        Assert.Contains("Task", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_FileThatIsNotAZip_IsRefusedNamingIt()
    {
        var path = Path.Combine(TestPackages.NewTempFolder(), "model.onnx");
        File.Copy(Path.Combine(TestModels.ColorClassifier, "model.onnx"), path);

        var error = Assert.Throws<ModelPackageException>(() => ModelPackage.Open(path));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains(".zip", error.Message, StringComparison.Ordinal);
        Assert.IsType<InvalidDataException>(error.InnerException);
    }

    [Fact]
    public void Open_PathThatDoesNotExist_SaysSo()
    {
        var path = Path.Combine(TestPackages.NewTempFolder(), "nowhere");

        var error = Assert.Throws<ModelPackageException>(() => ModelPackage.Open(path));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void Open_BlankPath_ThrowsArgumentException(string path)
    {
        Assert.ThrowsAny<ArgumentException>(() => ModelPackage.Open(path));
    }

    [Fact]
    public void Sha256_EqualsSha256sumOfTheModelFileNotOfTheZip()
    {
        var modelFile = Path.Combine(TestModels.GreyAnomaly, "model.onnx");
        var expected = Sha256Sum(modelFile);

        Assert.Equal(expected, ModelPackage.Open(TestModels.GreyAnomaly).Sha256);
        Assert.Equal(expected, ModelPackage.Open(TestPackages.Zip(TestModels.GreyAnomaly, "x")).Sha256);
    }

    [Fact]
    public void Sha256_OfTheShippedResNet18_IsTheKnownHash()
    {
        // ResNet18.onnx from Microsoft.ML.DnnImageFeaturizer.ResNet18 0.23.1, hash recorded in the field notes (e2552f19…1ff8f).
        var sha = ModelPackage.Open(TestModels.ResNet18Sample).Sha256;

        Assert.Matches("^[0-9a-f]{64}$", sha);
        Assert.StartsWith("e2552f19", sha, StringComparison.Ordinal);
        Assert.EndsWith("1ff8f", sha, StringComparison.Ordinal);
    }

    private static string Sha256Sum(string file)
    {
        using var process = Process.Start(new ProcessStartInfo("sha256sum", [file]) { RedirectStandardOutput = true })
            ?? throw new InvalidOperationException("sha256sum did not start");
        var output = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(10_000), "sha256sum did not finish in 10 s");
        return output.Split(' ')[0];
    }

    [Theory]
    [InlineData("../../etc/passwd")]
    [InlineData("/etc/passwd")]
    [InlineData("..\\..\\etc\\passwd")]
    public void Open_ModelFileOutsideThePackage_RefusedBeforeOpeningIt(string modelFile)
    {
        var package = TestPackages.WithManifest(TestModels.ColorClassifier, m => m["ModelFile"] = modelFile);

        var error = Assert.Throws<ModelPackageException>(() => ModelPackage.Open(package));

        Assert.Equal(PackageErrorCodes.PackagePathOutside, error.Code);
        Assert.Contains($"ModelFile '{modelFile}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_ModelFileSymlinkedOutOfThePackage_RefusedNamingTheLink()
    {
        var package = TestPackages.WithFile(TestModels.ColorClassifier, "model.onnx", null);
        File.CreateSymbolicLink(Path.Combine(package, "model.onnx"), "/etc/passwd");

        var error = Assert.Throws<ModelPackageException>(() => ModelPackage.Open(package));

        Assert.Equal(PackageErrorCodes.PackagePathOutside, error.Code);
        Assert.Contains("symbolic link 'model.onnx' to '/etc/passwd'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_ZipWhoseModelDeclares3GiB_RefusedWithACodeNotAnOverflow()
    {
        var folder = TestPackages.NewTempFolder();
        var zip = Path.Combine(folder, "big.zip");
        var bytes = HostileZips.Zip(("manifest.json", File.ReadAllBytes(Path.Combine(TestModels.ColorClassifier, "manifest.json"))), ("model.onnx", new byte[4096]));
        File.WriteAllBytes(zip, HostileZips.DeclareSize(bytes, "model.onnx", 3u << 30));

        var error = Assert.Throws<ModelPackageException>(() => ModelPackage.Open(zip));

        Assert.Equal(PackageErrorCodes.PackageEntryTooLarge, error.Code);
        Assert.Contains("'model.onnx' is 3,221,225,472 bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_ZipWhoseModelInflatesPastItsHeader_RefusedWithACode()
    {
        var folder = TestPackages.NewTempFolder();
        var zip = Path.Combine(folder, "bomb.zip");
        var model = File.ReadAllBytes(Path.Combine(TestModels.ColorClassifier, "model.onnx"));
        var bytes = HostileZips.Zip(("manifest.json", File.ReadAllBytes(Path.Combine(TestModels.ColorClassifier, "manifest.json"))), ("model.onnx", [.. model, .. new byte[1 << 20]]));
        File.WriteAllBytes(zip, HostileZips.DeclareSize(bytes, "model.onnx", (uint)model.Length));

        var error = Assert.Throws<ModelPackageException>(() => ModelPackage.Open(zip));

        Assert.Equal(PackageErrorCodes.PackageEntryTooLarge, error.Code);
        Assert.Contains("does not inflate to", error.Message, StringComparison.Ordinal);
    }
}
