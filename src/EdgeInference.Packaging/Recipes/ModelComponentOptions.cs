namespace EdgeInference.Packaging.Recipes;

/// <summary>Fixed names of the worker contract the model component depends on.</summary>
public static class ModelComponentOptions
{
    public const string DefaultWorkerComponentName = "com.example.EdgeInference";
    public const string DefaultWorkerVersionRequirement = ">=1.0.0 <2.0.0";

    /// <summary>The model zip artifact; Greengrass unpacks it to <c>{artifacts:decompressedPath}/model-package</c>.</summary>
    public const string ArtifactFileName = "model-package.zip";

    public const string Publisher = "edge-inference";

    /// <summary>GDK's and Greengrass's recipe size limit.</summary>
    public const int MaxRecipeBytes = 16_000;
}
