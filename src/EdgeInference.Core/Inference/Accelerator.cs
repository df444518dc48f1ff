using System.Text.Json.Serialization;
using EdgeInference.Core.Json;

namespace EdgeInference.Core.Inference;

/// <summary>Which hardware a model runs on (<c>Model:Accelerator</c>).</summary>
[JsonConverter(typeof(StrictEnumConverter<Accelerator>))]
public enum Accelerator
{
    /// <summary>CUDA when it works, else CPU with the reason reported.</summary>
    [JsonStringEnumMemberName("auto")] Auto,

    /// <summary>CUDA or nothing: the model is not served when CUDA cannot be used.</summary>
    [JsonStringEnumMemberName("gpu")] Gpu,

    /// <summary>CPU only.</summary>
    [JsonStringEnumMemberName("cpu")] Cpu,
}

/// <summary>ONNX Runtime graph optimisation level (<c>Model:GraphOptimization</c>).</summary>
[JsonConverter(typeof(StrictEnumConverter<GraphOptimization>))]
public enum GraphOptimization
{
    /// <summary>Every optimisation, CPU layout transforms included: fastest runs, highest load peak.</summary>
    [JsonStringEnumMemberName("all")] All,

    /// <summary>Without layout transforms: lower load peak, slower runs.</summary>
    [JsonStringEnumMemberName("extended")] Extended,

    /// <summary>Constant folding and redundant-node removal only.</summary>
    [JsonStringEnumMemberName("basic")] Basic,
}

public static class AcceleratorNames
{
    /// <summary>The name configuration and describe replies use (<c>auto</c>, <c>gpu</c>, <c>cpu</c>).</summary>
    public static string ToConfigName(this Accelerator accelerator) => accelerator switch
    {
        Accelerator.Gpu => "gpu",
        Accelerator.Cpu => "cpu",
        _ => "auto",
    };
}
