using System.Text.Json;
using EdgeInference.Anomaly.Backbone;
using EdgeInference.Core.Json;
using EdgeInference.Core.Manifest;

namespace EdgeInference.Anomaly.Evaluation;

/// <summary>The plain ResNet18 embedding package (the worker's bundled sample), the yardstick for per-image inference cost.</summary>
public static class EmbeddingBaseline
{
    public const string OutputName = "Pooling395_Output_0";

    /// <summary>Writes <c>model.onnx</c> (the backbone, unchanged) and an embedding manifest into <paramref name="directory"/>.</summary>
    public static string WritePackage(string directory, string? backbonePath = null)
    {
        Directory.CreateDirectory(directory);
        File.Copy(ResNet18Backbone.Locate(backbonePath), Path.Combine(directory, ModelManifest.DefaultModelFileName), overwrite: true);
        var manifest = new ModelManifest
        {
            SchemaVersion = ModelManifest.CurrentSchemaVersion,
            Name = "resnet18-embedding",
            Task = ModelTask.Embedding,
            Input = ResNet18Backbone.InputSpec(ResNet18Backbone.InputName),
            Outputs = [new ModelOutputSpec { Name = OutputName, Role = OutputRole.Embedding }],
        };
        File.WriteAllBytes(Path.Combine(directory, ModelManifest.FileName), JsonSerializer.SerializeToUtf8Bytes(manifest, CoreJsonContext.Indented.ModelManifest));
        return directory;
    }
}
