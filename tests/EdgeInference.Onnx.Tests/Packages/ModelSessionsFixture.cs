using EdgeInference.Testing;
using Microsoft.ML.OnnxRuntime;

namespace EdgeInference.Onnx.Tests.Packages;

/// <summary>CPU sessions on the real test models, shared by a test class for their input/output metadata.</summary>
public sealed class ModelSessionsFixture : IDisposable
{
    public ModelSessionsFixture()
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1 };
        ColorClassifier = new InferenceSession(Path.Combine(TestModels.ColorClassifier, "model.onnx"), options);
        GreyAnomaly = new InferenceSession(Path.Combine(TestModels.GreyAnomaly, "model.onnx"), options);
        ResNet18 = new InferenceSession(Path.Combine(TestModels.ResNet18Sample, "model.onnx"), options);
    }

    public InferenceSession ColorClassifier { get; }

    public InferenceSession GreyAnomaly { get; }

    public InferenceSession ResNet18 { get; }

    public void Dispose()
    {
        ColorClassifier.Dispose();
        GreyAnomaly.Dispose();
        ResNet18.Dispose();
    }
}
