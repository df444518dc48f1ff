using System.Text.Json;
using EdgeInference.Core.Json;
using EdgeInference.Core.Manifest;
using EdgeInference.Core.Packaging;
using Xunit;

namespace EdgeInference.Core.Tests.Manifest;

public sealed class ModelManifestJsonTests
{
    private const string Minimal = """
        {
          "Task": "classification",
          "Input": { "Name": "image", "Width": 32, "Height": 24 },
          "Outputs": [ { "Name": "probabilities", "Role": "Scores" } ]
        }
        """;

    [Fact]
    public void Deserialize_Minimal_AppliesTheDocumentedDefaults()
    {
        var manifest = Parse(Minimal);

        Assert.Equal(ModelTask.Classification, manifest.Task);
        Assert.Null(manifest.SchemaVersion);
        Assert.Null(manifest.Name);
        Assert.Null(manifest.ModelFile);
        Assert.Null(manifest.TopK);
        Assert.False(manifest.ApplySoftmax);
        Assert.False(manifest.NormalizeEmbedding);
        Assert.Null(manifest.AnomalyThreshold);
        Assert.Null(manifest.ModelPackagingDescription);
        var input = manifest.Input;
        Assert.Equal(("image", 32, 24), (input.Name, input.Width, input.Height));
        Assert.Equal(TensorLayout.NCHW, input.Layout);
        Assert.Equal(ColorOrder.RGB, input.ColorOrder);
        Assert.Equal(ResizeMode.Stretch, input.ResizeMode);
        Assert.Null(input.Scale);
        Assert.Equal(1f / 255f, input.EffectiveScale);
        Assert.Null(input.Mean);
        Assert.Null(input.Std);
        Assert.Equal(OutputRole.Scores, Assert.Single(manifest.Outputs).Role);
    }

    [Theory]
    [InlineData("classification", ModelTask.Classification)]
    [InlineData("anomaly", ModelTask.Anomaly)]
    [InlineData("embedding", ModelTask.Embedding)]
    public void Task_LowercaseNames_RoundTrip(string name, ModelTask task)
    {
        var manifest = Parse(Minimal.Replace("\"classification\"", $"\"{name}\"", StringComparison.Ordinal));
        var node = JsonAssert.Parse(JsonSerializer.Serialize(manifest, CoreJsonContext.Default.ModelManifest));

        Assert.Equal(task, manifest.Task);
        Assert.Equal(name, node["Task"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("stretch", ResizeMode.Stretch)]
    [InlineData("center-crop", ResizeMode.CenterCrop)]
    [InlineData("letterbox", ResizeMode.Letterbox)]
    public void ResizeMode_KebabNames_RoundTrip(string name, ResizeMode mode)
    {
        var manifest = Parse(Minimal.Replace("\"Height\": 24", $"\"Height\": 24, \"ResizeMode\": \"{name}\"", StringComparison.Ordinal));
        var node = JsonAssert.Parse(JsonSerializer.Serialize(manifest, CoreJsonContext.Default.ModelManifest));

        Assert.Equal(mode, manifest.Input.ResizeMode);
        Assert.Equal(name, node["Input"]!["ResizeMode"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("\"Task\": \"detection\"")]
    [InlineData("\"Task\": \"CenterCrop\"")]
    public void Task_UnknownName_IsRejected(string task)
    {
        Assert.Throws<JsonException>(() => Parse(Minimal.Replace("\"Task\": \"classification\"", task, StringComparison.Ordinal)));
    }

    [Fact]
    public void ResizeMode_PascalCaseMemberName_IsNotTheDocumentedSpelling()
    {
        // The documented spelling is kebab case; "CenterCrop" is what a user gets wrong by guessing from the C# name.
        var json = Minimal.Replace("\"Height\": 24", "\"Height\": 24, \"ResizeMode\": \"center_crop\"", StringComparison.Ordinal);

        Assert.Throws<JsonException>(() => Parse(json));
    }

    [Fact]
    public void Deserialize_FullManifest_ReadsEveryField()
    {
        const string json = """
            {
              // comments and trailing commas are allowed: people edit these files by hand
              "SchemaVersion": 1,
              "Name": "board",
              "Task": "anomaly",
              "ModelFile": "net.onnx",
              "Input": {
                "Name": "x", "ElementType": "float32", "Layout": "NHWC", "Width": 256, "Height": 128,
                "ColorOrder": "BGR", "Scale": 1.0, "Mean": [1, 2, 3], "Std": [4, 5, 6], "ResizeMode": "letterbox",
              },
              "Outputs": [
                { "Name": "score", "Role": "AnomalyScore", "ElementType": "float32" },
                { "Name": "map", "Role": "AnomalyMap" },
              ],
              "AnomalyThreshold": 0.4,
              "PixelAnomalyThreshold": 0.6,
              "ModelPackagingDescription": { "JobName": "j", "Status": "FAILED", "StatusMessage": "no quota" },
            }
            """;

        var m = Parse(json);

        Assert.Equal((1, "board", ModelTask.Anomaly, "net.onnx"), (m.SchemaVersion, m.Name, m.Task, m.ModelFile));
        Assert.Equal(("x", "float32", TensorLayout.NHWC, 256, 128), (m.Input.Name, m.Input.ElementType, m.Input.Layout, m.Input.Width, m.Input.Height));
        Assert.Equal(ColorOrder.BGR, m.Input.ColorOrder);
        Assert.Equal(1f, m.Input.EffectiveScale);
        Assert.Equal([1f, 2f, 3f], m.Input.Mean);
        Assert.Equal([4f, 5f, 6f], m.Input.Std);
        Assert.Equal(ResizeMode.Letterbox, m.Input.ResizeMode);
        Assert.Equal([("score", OutputRole.AnomalyScore), ("map", OutputRole.AnomalyMap)], m.Outputs.Select(o => (o.Name, o.Role)));
        Assert.Equal(0.4f, m.AnomalyThreshold);
        Assert.Equal(0.6f, m.PixelAnomalyThreshold);
        Assert.Equal(ModelPackagingJobStatus.FAILED, m.ModelPackagingDescription!.Status);
    }

    [Theory]
    [InlineData("Scores", OutputRole.Scores)]
    [InlineData("AnomalyScore", OutputRole.AnomalyScore)]
    [InlineData("AnomalyMap", OutputRole.AnomalyMap)]
    [InlineData("Embedding", OutputRole.Embedding)]
    public void OutputRole_Names_RoundTrip(string name, OutputRole role)
    {
        var manifest = Parse(Minimal.Replace("\"Scores\"", $"\"{name}\"", StringComparison.Ordinal));
        var node = JsonAssert.Parse(JsonSerializer.Serialize(manifest, CoreJsonContext.Default.ModelManifest));

        Assert.Equal(role, manifest.Outputs[0].Role);
        Assert.Equal(name, node["Outputs"]![0]!["Role"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("Task")]
    [InlineData("Input")]
    [InlineData("Outputs")]
    public void Deserialize_MissingRequiredMember_IsRejectedNamingIt(string member)
    {
        var node = JsonAssert.Parse(Minimal).AsObject();
        node.Remove(member);

        var error = Assert.Throws<JsonException>(() => Parse(node.ToJsonString()));

        Assert.Contains(member, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Deserialize_InputWithoutSize_IsRejected()
    {
        var json = Minimal.Replace("\"Width\": 32, ", string.Empty, StringComparison.Ordinal);

        var error = Assert.Throws<JsonException>(() => Parse(json));

        Assert.Contains("Width", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constants_AreTheDocumentedFileNames()
    {
        Assert.Equal(("manifest.json", "model.onnx", 1), (ModelManifest.FileName, ModelManifest.DefaultModelFileName, ModelManifest.CurrentSchemaVersion));
    }

    private static ModelManifest Parse(string json) =>
        JsonSerializer.Deserialize(json, CoreJsonContext.Default.ModelManifest) ?? throw new JsonException("null manifest");
}
