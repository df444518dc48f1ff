namespace EdgeInference.Testing;

/// <summary>Paths of the model packages tests load.</summary>
public static class TestModels
{
    /// <summary>Dominant-colour classifier (labels red, green, blue), 32×32 RGB input.</summary>
    public static string ColorClassifier => Path.Combine(RepoPaths.TestModels, "color-classifier");

    /// <summary>Grey-card anomaly model with an image score and a 64×64 per-pixel map (threshold 0.5).</summary>
    public static string GreyAnomaly => Path.Combine(RepoPaths.TestModels, "grey-anomaly");

    /// <summary>The bundled sample: the real pretrained ResNet18 (embedding, 512-d), as the worker ships it.</summary>
    public static string ResNet18Sample => Path.Combine(RepoPaths.TestModels, "resnet18-embedding");

    /// <summary>ML.NET's own ResNet preprocessing graph, to check our preprocessing against.</summary>
    public static string ResNetReferencePreprocess => Path.Combine(RepoPaths.TestModels, "resnet18-reference", "ResNetPreprocess.onnx");

    /// <summary>Copies a package folder to a fresh temp folder the test may change.</summary>
    public static string CopyToTemp(string package)
    {
        var target = Path.Combine(Path.GetTempPath(), "edge-inference-tests", Guid.NewGuid().ToString("N"), Path.GetFileName(package));
        Directory.CreateDirectory(target);
        foreach (var file in Directory.GetFiles(package))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        }

        return target;
    }
}
