using EdgeInference.Anomaly.Backbone;
using EdgeInference.Core.Inference;
using EdgeInference.Core.Manifest;
using EdgeInference.Onnx.Imaging;
using EdgeInference.Onnx.Processing;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Onnx;

namespace EdgeInference.Anomaly.Graphs;

/// <summary>
/// An ONNX Runtime CPU session over a graph this project built, fed exactly as the worker feeds a package
/// (the Onnx project's <see cref="ImageDecoder"/> chosen as the worker's <c>auto</c> does, and <see cref="ImagePreprocessor"/>), returning the named outputs as arrays.
/// </summary>
public sealed class GraphSession : IDisposable
{
    private readonly InferenceSession _session;
    private readonly ImageDecoder _decoder;
    private readonly ImagePreprocessor _preprocessor;
    private readonly string[] _outputs;
    private readonly string _inputName;

    public GraphSession(ModelProto model, IReadOnlyList<string> outputs, int intraOpThreads = 0)
        : this(model.ToByteArray(), ResNet18Backbone.InputSpec(FeatureGraph.ImageInput), outputs, intraOpThreads)
    {
    }

    /// <summary>A session over any model fed as <paramref name="input"/> describes (a package's manifest).</summary>
    public GraphSession(byte[] model, ModelInputSpec input, IReadOnlyList<string> outputs, int intraOpThreads = 0)
    {
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL, IntraOpNumThreads = intraOpThreads };
        _session = new InferenceSession(model, options);
        _decoder = ImageDecoders.Create(ImageDecoderChoice.Auto, FrameSpec.For(input), 40_000_000).Decoder;
        _preprocessor = new ImagePreprocessor(input);
        _inputName = input.Name;
        _outputs = [.. outputs];
    }

    /// <summary>Decodes, preprocesses and runs one encoded image.</summary>
    /// <exception cref="AnomalyDataException">The image cannot be decoded (the message names <paramref name="source"/>).</exception>
    public float[][] Run(ReadOnlySpan<byte> encodedImage, string source)
    {
        var tensor = new float[_preprocessor.TensorLength];
        try
        {
            var frame = new byte[_decoder.Frame.ByteLength];
            _decoder.Decode(encodedImage, frame);
            _preprocessor.Fill(frame, tensor);
        }
        catch (InferenceException ex)
        {
            throw new AnomalyDataException($"{source}: {ex.Message}", ex);
        }

        return RunTensor(tensor);
    }

    public float[][] RunTensor(float[] tensor)
    {
        using var input = OrtValue.CreateTensorValueFromMemory(tensor, _preprocessor.TensorShape);
        using var runOptions = new RunOptions();
        using var results = _session.Run(runOptions, [_inputName], [input], _outputs);
        return results.Select(r => r.GetTensorDataAsSpan<float>().ToArray()).ToArray();
    }

    public void Dispose() => _session.Dispose();
}
