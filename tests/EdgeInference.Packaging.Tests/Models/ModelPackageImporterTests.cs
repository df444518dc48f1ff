using System.IO.Compression;
using EdgeInference.Packaging;
using EdgeInference.Onnx.Packages;
using EdgeInference.Packaging.Models;
using EdgeInference.Testing;
using EdgeInference.Testing.Packaging;
using Xunit;

namespace EdgeInference.Packaging.Tests.Models;

public sealed class ModelPackageImporterTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static string[] EntriesOf(string zip)
    {
        using var archive = ZipFile.OpenRead(zip);
        return archive.Entries.Select(e => e.FullName).Order(StringComparer.Ordinal).ToArray();
    }

    [Fact]
    public void Import_ZipWithOneTopFolder_NormalisesToRootEntries()
    {
        var folder = SmallPackages.WriteFolder(_temp.Combine("src", "classifier"));
        File.WriteAllText(Path.Combine(folder, "labels.txt"), "ok\ndefect\n");
        var zip = _temp.Combine("classifier.zip");
        ZipFile.CreateFromDirectory(_temp.Combine("src"), zip);

        var imported = ModelPackageImporter.Import(zip, null, _temp.Combine("out.zip"));

        Assert.Equal(["labels.txt", "manifest.json", "model.onnx"], EntriesOf(_temp.Combine("out.zip")));
        Assert.Equal("model.onnx", imported.ModelFile);
        Assert.Equal(64, imported.PackageSha256.Length);
    }

    [Fact]
    public void Import_BareOnnxWithManifestOption_StoresModelUnderManifestName()
    {
        var onnx = _temp.Combine("resnet.onnx");
        File.WriteAllBytes(onnx, SmallPackages.Model);
        var manifest = _temp.Combine("m.json");
        File.WriteAllText(manifest, SmallPackages.ClassificationManifest.Replace("\"Task\"", "\"ModelFile\": \"net.onnx\", \"Task\"", StringComparison.Ordinal));

        var imported = ModelPackageImporter.Import(onnx, manifest, _temp.Combine("out.zip"));

        Assert.Equal("net.onnx", imported.ModelFile);
        Assert.Equal(["manifest.json", "net.onnx"], EntriesOf(_temp.Combine("out.zip")));
    }

    [Theory]
    [InlineData("""{"Task": "anomaly", "Input": {"Name": "x", "Width": 64, "Height": 64}, "Outputs": [{"Name": "s", "Role": "Scores"}]}""", "An anomaly model needs an output with role AnomalyScore or AnomalyMap")]
    [InlineData("""{"Task": "classification", "Input": {"Name": "x", "Width": 0, "Height": 64}, "Outputs": [{"Name": "s", "Role": "Scores"}]}""", "Input.Width and Input.Height must be positive")]
    [InlineData("""{"Task": "classification", "ModelFile": "../escape.onnx", "Input": {"Name": "x", "Width": 8, "Height": 8}, "Outputs": [{"Name": "s", "Role": "Scores"}]}""", "ModelFile must be a relative path inside the package")]
    [InlineData("""{"Task": "detection", "Input": {"Name": "x", "Width": 8, "Height": 8}, "Outputs": []}""", "is not a valid manifest")]
    [InlineData("not json", "is not a valid manifest")]
    public void Import_BadManifest_RefusedNamingTheRule(string manifest, string expected)
    {
        var folder = SmallPackages.WriteFolder(_temp.Combine("pkg"), manifest: manifest);

        var error = Assert.Throws<PackagingValidationException>(() => ModelPackageImporter.Import(folder, null, _temp.Combine("out.zip")));

        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Import_ManifestThatBatches_StoresTheModelWithASymbolicBatchDimension()
    {
        Assert.Equal(1, BatchDimension.FixedBatchOf(SmallPackages.Model));
        var folder = SmallPackages.WriteFolder(_temp.Combine("pkg"), manifest: SmallPackages.ClassificationManifest.Replace("\"Task\"", "\"MaxBatchSize\": 4, \"Task\"", StringComparison.Ordinal));

        var imported = ModelPackageImporter.Import(folder, null, _temp.Combine("out.zip"));

        var stored = ModelBytesOf(_temp.Combine("out.zip"));
        Assert.Null(BatchDimension.FixedBatchOf(stored));
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(stored)), imported.ModelSha256);
    }

    [Fact]
    public void Import_ManifestWithoutBatching_StoresTheModelByteForByte()
    {
        var folder = SmallPackages.WriteFolder(_temp.Combine("pkg"));

        ModelPackageImporter.Import(folder, null, _temp.Combine("out.zip"));

        Assert.Equal(SmallPackages.Model, ModelBytesOf(_temp.Combine("out.zip")));
    }

    private static byte[] ModelBytesOf(string zip)
    {
        using var archive = ZipFile.OpenRead(zip);
        using var stream = archive.GetEntry("model.onnx")!.Open();
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    [Fact]
    public void Import_NotAZip_Refused()
    {
        var zip = _temp.Combine("broken.zip");
        File.WriteAllText(zip, "this is not a zip");

        var error = Assert.Throws<PackagingValidationException>(() => ModelPackageImporter.Import(zip, null, _temp.Combine("out.zip")));

        Assert.Contains("is neither a folder nor a readable .zip", error.Message);
        Assert.Contains("(PackageUnreadable)", error.Message);
    }
}

public sealed class ModelPackageImporterTestModelsTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    public static TheoryData<string> Packages => new("color-classifier", "grey-anomaly");

    [Theory]
    [MemberData(nameof(Packages))]
    public void Import_GeneratedTestModel_Accepted(string name)
    {
        var folder = Path.Combine(EdgeInference.Testing.RepoPaths.TestModels, name);
        if (!File.Exists(Path.Combine(folder, "manifest.json")))
        {
            Assert.Skip($"The generated test model {name} is not next to the test assembly ({folder}).");
        }

        var imported = ModelPackageImporter.Import(folder, null, _temp.Combine("out.zip"));

        var expected = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(Path.Combine(folder, imported.ModelFile))));
        Assert.Equal(expected, imported.ModelSha256);
    }
}
