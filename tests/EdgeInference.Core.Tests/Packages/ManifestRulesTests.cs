using EdgeInference.Core.Manifest;
using EdgeInference.Core.Packages;
using Xunit;

namespace EdgeInference.Core.Tests.Packages;

public sealed class ManifestRulesTests
{
    private static ModelManifest Parse(string json) => ManifestRules.Parse(System.Text.Encoding.UTF8.GetBytes(json), "test");

    [Theory]
    [InlineData("../../etc/passwd")]
    [InlineData("/etc/passwd")]
    [InlineData("sub\\..\\..\\x.onnx")]
    public void Validate_ModelFileOutsideThePackage_Named(string modelFile)
    {
        var manifest = Parse("""{"Task": "embedding", "Input": {"Name": "x", "Width": 8, "Height": 8}, "Outputs": [{"Name": "e", "Role": "Embedding"}]}""") with { ModelFile = modelFile };

        var error = Assert.Single(ManifestRules.Validate(manifest));

        Assert.Equal($"ModelFile must be a relative path inside the package (got '{modelFile}').", error);
    }

    [Fact]
    public void ThrowIfInvalid_NoLabelsAndTwoScores_NamesBothInOneMessage()
    {
        var manifest = Parse("""{"Task": "classification", "Input": {"Name": "x", "Width": 8, "Height": 8}, "Outputs": [{"Name": "a", "Role": "Scores"}, {"Name": "b", "Role": "Scores"}]}""");

        var error = Assert.Throws<EdgeInference.Core.Inference.ModelPackageException>(() => ManifestRules.ThrowIfInvalid(manifest, "/pkg"));

        Assert.Equal("The manifest of '/pkg' is invalid: Outputs has more than one Scores output. A classification model needs Labels.", error.Message);
    }
}
