using System.Text.Json.Nodes;
using EdgeInference.Core.Inference;
using EdgeInference.Core.Packaging;
using EdgeInference.Core.Results;
using EdgeInference.Worker.Greengrass;
using EdgeInference.Worker.Options;
using Microsoft.Extensions.Configuration;

namespace EdgeInference.Worker.Models;

/// <summary>Everything a model is loaded with; two equal settings load the same model the same way.</summary>
/// <param name="Options">The <c>Model:*</c> keys in force (the worker's, with a model component's own overrides).</param>
/// <param name="Packaging">The packaging description from configuration (null members: the manifest's).</param>
/// <param name="PackagePath">The package folder or .zip.</param>
public sealed record ModelSettings(ModelOptions Options, PackagingDescriptionOptions Packaging, string PackagePath)
{
    /// <summary>What the engine loader needs.</summary>
    public ModelLoadOptions ToLoadOptions(LimitsOptions limits) => new()
    {
        PackagePath = PackagePath,
        Accelerator = Options.Accelerator,
        IntraOpThreads = EffectiveIntraOpThreads(Options),
        AllowSpinning = Options.AllowSpinning,
        GraphOptimization = Options.GraphOptimization,
        OptimizedModelCacheDirectory = Options.EffectiveOptimizedModelCache,
        UseTensorRt = Options.UseTensorRt,
        TensorRtCachePath = Options.TensorRtCachePath,
        GpuDeviceId = Options.GpuDeviceId,
        ImageDecoder = Options.ImageDecoder,
        OnnxRuntimeLibrary = Options.EffectiveOnnxRuntimeLibrary,
        MaxImagePixels = limits.MaxImagePixels,
        MaxBatchSize = limits.MaxBatchSize,
        PackagingDescriptionOverride = Packaging.Description,
    };

    /// <summary>
    /// Intra-op threads of the model's session: Model:IntraOpThreads, or (0) every core. Runs at once
    /// (Limits:MaxConcurrentRuns) share the session's threads, so a run alone has every core and concurrent runs split
    /// them, without a thread count fixed per run.
    /// </summary>
    public static int EffectiveIntraOpThreads(ModelOptions options) => options.IntraOpThreads > 0
        ? options.IntraOpThreads
        : Math.Max(1, Environment.ProcessorCount);

    /// <summary>The worker's <c>Model:*</c> keys with a model component's <c>Model</c> section laid over them.</summary>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">The section has an unknown key or a bad value.</exception>
    public static ModelOptions WithOverrides(ModelOptions worker, JsonObject? componentModelSection, string componentName)
    {
        var options = worker with { };
        if (componentModelSection is null)
        {
            return options;
        }

        var flat = ConfigurationFlattener.Flatten(new JsonObject { [ModelOptions.SectionName] = componentModelSection.DeepClone() });
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(flat).Build();
        var bound = StrictBinder.Bind(configuration.GetSection(ModelOptions.SectionName), $"{componentName}:{ModelOptions.SectionName}", options);
        if (bound.EffectiveOnnxRuntimeLibrary != worker.EffectiveOnnxRuntimeLibrary)
        {
            // One process runs one ONNX Runtime library: the runtime component chooses it for every model.
            throw new Microsoft.Extensions.Options.OptionsValidationException(
                ModelOptions.SectionName,
                typeof(ModelOptions),
                [$"{componentName}:{ModelOptions.SectionName}:OnnxRuntimeLibrary is set to '{bound.OnnxRuntimeLibrary}', but the ONNX Runtime library is process-wide: set Model.OnnxRuntimeLibrary on the runtime component (com.example.EdgeInference), not on a model component (it is now '{worker.OnnxRuntimeLibrary ?? string.Empty}')."]);
        }

        return bound;
    }
}

/// <summary>What results say about the model that produced them.</summary>
public static class Provenance
{
    /// <summary>The worker's own model: everything from its packaging description (the ARN only when one was recorded).</summary>
    public static ModelProvenance ForOwnModel(LoadedModelInfo model, string name) => model.ToProvenance() with { Name = name };

    /// <summary>
    /// A model component's model: the component as deployed; the ARN recorded at packaging when it names this very
    /// component version, else the one derived from the region, the account and the component's name and version
    /// (null while a part is unknown).
    /// </summary>
    public static ModelProvenance ForComponent(LoadedModelInfo model, string name, string component, string? componentVersion, string? region, string? account)
    {
        var recorded = model.ToProvenance();
        var version = componentVersion ?? recorded.ComponentVersion;
        var recordedArn = recorded.ComponentVersionArn is { } arn && arn.EndsWith($":components:{component}:versions:{version}", StringComparison.Ordinal) ? arn : null;
        return recorded with
        {
            Name = name,
            ComponentName = component,
            ComponentVersion = version,
            ComponentVersionArn = recordedArn ?? ComponentArns.Build(region, account, component, version),
        };
    }
}
