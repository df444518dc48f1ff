using System.Buffers;
using System.Diagnostics;
using EdgeInference.Core.Inference;
using EdgeInference.Core.Manifest;
using EdgeInference.Core.Packages;
using EdgeInference.Core.Results;
using EdgeInference.Onnx.Imaging;
using EdgeInference.Onnx.Packages;
using EdgeInference.Onnx.Processing;
using EdgeInference.Onnx.Runtime;
using EdgeInference.Onnx.Sessions;
using Microsoft.Extensions.Logging;
using Microsoft.ML.OnnxRuntime;

namespace EdgeInference.Onnx;

/// <summary>
/// One model package on one ORT session: decode → preprocess → run → task result. Thread-safe
/// (ORT sessions run concurrently); input buffers come from a pool, outputs are read and released per call.
/// </summary>
public sealed class OnnxInferenceEngine : IInferenceEngine
{
    private readonly InferenceSession _session;
    private readonly ModelManifest _manifest;
    private readonly ImageDecoder _decoder;
    private readonly ImagePreprocessor _preprocessor;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly ModelOutputSpec? _scores;
    private readonly ModelOutputSpec? _anomalyScore;
    private readonly ModelOutputSpec? _anomalyMap;
    private readonly ModelOutputSpec? _embedding;

    private OnnxInferenceEngine(InferenceSession session, ModelManifest manifest, ImageDecoder decoder)
    {
        _session = session;
        _manifest = manifest;
        _decoder = decoder;
        _preprocessor = new ImagePreprocessor(manifest.Input);
        _inputNames = [manifest.Input.Name];
        _outputNames = manifest.Outputs.Select(o => o.Name).ToArray();
        _scores = manifest.Outputs.FirstOrDefault(o => o.Role == OutputRole.Scores);
        _anomalyScore = manifest.Outputs.FirstOrDefault(o => o.Role == OutputRole.AnomalyScore);
        _anomalyMap = manifest.Outputs.FirstOrDefault(o => o.Role == OutputRole.AnomalyMap);
        _embedding = manifest.Outputs.FirstOrDefault(o => o.Role == OutputRole.Embedding);
        Model = null!;
    }

    public LoadedModelInfo Model { get; private set; }

    /// <summary>Opens, validates, creates the session on the chosen accelerator, and warms up with one real run.</summary>
    /// <exception cref="ModelPackageException">The package or its manifest is unusable; the message names every problem.</exception>
    /// <exception cref="AcceleratorUnavailableException">A GPU was required and CUDA could not be used.</exception>
    /// <exception cref="InferenceRuntimeException">The ONNX Runtime library or the image decoder asked for cannot be used.</exception>
    public static OnnxInferenceEngine Load(ModelLoadOptions options, ILogger logger)
    {
        var started = Stopwatch.GetTimestamp();
        var runtime = OnnxRuntimeLibrary.Use(options.OnnxRuntimeLibrary);
        var package = ModelPackage.Open(options.PackagePath);
        ManifestRules.ThrowIfInvalid(package.Manifest, package.Path);

        var (decoder, decoderInfo) = ImageDecoders.Create(options.ImageDecoder, FrameSpec.For(package.Manifest.Input), options.MaxImagePixels);
        InferenceSession session;
        ExecutionProviderInfo provider;
        try
        {
            (session, provider) = SessionFactory.Create(package, options, logger);
        }
        catch (OnnxRuntimeException ex)
        {
            throw ModelPackageCheck.CannotLoad(package.Path, ex);
        }

        var engine = new OnnxInferenceEngine(session, package.Manifest, decoder);
        try
        {
            ModelPackageCheck.ThrowIfMismatch(package.Manifest, session, package.Path);

            var loadMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            var warmupStarted = Stopwatch.GetTimestamp();
            engine.WarmUp();
            Glibc.ReleaseFreed();
            var warmupMs = Stopwatch.GetElapsedTime(warmupStarted).TotalMilliseconds;
            engine.Model = new LoadedModelInfo
            {
                PackagePath = package.Path,
                Name = package.Name,
                Task = package.Manifest.Task,
                Sha256 = package.Sha256,
                Inputs = Describe(session.InputMetadata),
                Outputs = Describe(session.OutputMetadata),
                ExecutionProvider = provider,
                ImageDecoder = decoderInfo,
                OnnxRuntime = runtime,
                ModelPackagingDescription = options.PackagingDescriptionOverride ?? package.Manifest.ModelPackagingDescription,
                OnnxMetadata = ReadMetadata(session),
                LoadMs = loadMs,
                WarmupMs = warmupMs,
            };
            OnnxLog.ModelLoaded(logger, package.Name, package.Manifest.Task.ToJsonName(), package.Sha256, loadMs, warmupMs, provider.Active);
            OnnxLog.ImageDecoderChosen(logger, package.Name, decoderInfo.Active, decoderInfo.Library, decoderInfo.FallbackReason ?? "none");
            return engine;
        }
        catch
        {
            engine.Dispose();
            throw;
        }
    }

    public InferenceOutput Infer(ReadOnlyMemory<byte> encodedImage, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var started = Stopwatch.GetTimestamp();
        var frame = ArrayPool<byte>.Shared.Rent(_preprocessor.FrameLength);
        var buffer = ArrayPool<float>.Shared.Rent(_preprocessor.TensorLength);
        try
        {
            _decoder.Decode(encodedImage.Span, frame);
            var decoded = Stopwatch.GetTimestamp();
            _preprocessor.Fill(frame, buffer);
            var preprocessed = Stopwatch.GetTimestamp();
            cancellationToken.ThrowIfCancellationRequested();

            using var input = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, buffer.AsMemory(0, _preprocessor.TensorLength), _preprocessor.TensorShape);
            using var runOptions = new RunOptions();
            IDisposableReadOnlyCollection<OrtValue> outputs;
            try
            {
                outputs = _session.Run(runOptions, _inputNames, [input], _outputNames);
            }
            catch (OnnxRuntimeException ex)
            {
                throw new InferenceException(ErrorCodes.InternalError, $"The model run failed: {ex.Message}", ex);
            }

            using (outputs)
            {
                var ran = Stopwatch.GetTimestamp();
                var output = ReadOutputs(outputs);
                var finished = Stopwatch.GetTimestamp();
                return output with
                {
                    Timings = new InferenceTimings
                    {
                        DecodeMs = Ms(started, decoded),
                        PreprocessMs = Ms(decoded, preprocessed),
                        InferenceMs = Ms(preprocessed, ran),
                        TotalMs = Ms(started, finished),
                    },
                };
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(buffer);
            ArrayPool<byte>.Shared.Return(frame);
        }
    }

    public void Dispose() => _session.Dispose();

    private InferenceOutput ReadOutputs(IDisposableReadOnlyCollection<OrtValue> outputs)
    {
        OrtValue Output(ModelOutputSpec spec) => outputs.ElementAt(Array.IndexOf(_outputNames, spec.Name));
        var empty = new InferenceTimings();
        switch (_manifest.Task)
        {
            case ModelTask.Classification:
            {
                var scores = Output(_scores!).GetTensorDataAsSpan<float>();
                var topK = _manifest.TopK ?? ClassificationPostprocessor.DefaultTopK;
                return new InferenceOutput { Classifications = ClassificationPostprocessor.TopK(scores, _manifest.Labels!, topK, _manifest.ApplySoftmax), Timings = empty };
            }

            case ModelTask.Anomaly:
            {
                float? score = _anomalyScore is null ? null : Output(_anomalyScore).GetTensorDataAsSpan<float>()[0];
                ReadOnlySpan<float> map = default;
                int mapWidth = 0, mapHeight = 0;
                if (_anomalyMap is not null)
                {
                    var value = Output(_anomalyMap);
                    var shape = value.GetTensorTypeAndShape().Shape;
                    (mapHeight, mapWidth) = ((int)shape[^2], (int)shape[^1]);
                    map = value.GetTensorDataAsSpan<float>();
                }

                var threshold = _manifest.AnomalyThreshold!.Value;
                var result = AnomalyPostprocessor.Build(score, map, mapWidth, mapHeight, threshold, _manifest.PixelAnomalyThreshold ?? threshold);
                return new InferenceOutput { DetectAnomalyResult = result, Timings = empty };
            }

            default:
            {
                var vector = Output(_embedding!).GetTensorDataAsSpan<float>().ToArray();
                if (_manifest.NormalizeEmbedding)
                {
                    var norm = MathF.Sqrt(vector.Sum(v => v * v));
                    if (norm > 0)
                    {
                        for (var i = 0; i < vector.Length; i++)
                        {
                            vector[i] /= norm;
                        }
                    }
                }

                return new InferenceOutput { Embedding = vector, Timings = empty };
            }
        }
    }

    private void WarmUp()
    {
        // One real run through every stage: a mid-grey JPEG at twice the input size (exercises reduced decoding).
        Infer(_decoder.EncodeGreyJpeg(_manifest.Input.Width * 2, _manifest.Input.Height * 2));
    }

    private static IReadOnlyList<TensorInfo> Describe(IReadOnlyDictionary<string, NodeMetadata> nodes) =>
        nodes.Select(kv => new TensorInfo
        {
            Name = kv.Key,
            ElementType = kv.Value.IsTensor ? ElementTypeName(kv.Value.ElementDataType) : kv.Value.OnnxValueType.ToString(),
            Shape = kv.Value.Dimensions.Select(d => (long)d).ToArray(),
        }).ToArray();

    private static OnnxModelMetadata ReadMetadata(InferenceSession session)
    {
        var metadata = session.ModelMetadata;
        return new OnnxModelMetadata
        {
            ProducerName = NullIfEmpty(metadata.ProducerName),
            GraphName = NullIfEmpty(metadata.GraphName),
            Domain = NullIfEmpty(metadata.Domain),
            Description = NullIfEmpty(metadata.Description),
            Version = metadata.Version,
            CustomMetadata = metadata.CustomMetadataMap.Count > 0 ? metadata.CustomMetadataMap : null,
        };
    }

    private static string ElementTypeName(Microsoft.ML.OnnxRuntime.Tensors.TensorElementType type) => type switch
    {
        Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Float => "float32",
        Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Double => "float64",
        Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Float16 => "float16",
        _ => type.ToString().ToLowerInvariant(),
    };

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;

    private static double Ms(long from, long to) => Math.Round(Stopwatch.GetElapsedTime(from, to).TotalMilliseconds, 3);
}
