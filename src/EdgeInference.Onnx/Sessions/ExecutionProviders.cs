namespace EdgeInference.Onnx.Sessions;

/// <summary>ORT execution provider names, as ORT spells them.</summary>
public static class ExecutionProviders
{
    public const string Cpu = "CPUExecutionProvider";
    public const string Cuda = "CUDAExecutionProvider";
    public const string TensorRt = "TensorrtExecutionProvider";
}
