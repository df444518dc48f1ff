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

        var batches = WillBatch(package.Manifest, options);
        if (batches)
        {
            try
            {
                package = package.WithDynamicBatch();
            }
            catch (ModelPackageException ex)
            {
                throw new ModelPackageException($"The manifest of '{package.Path}' says MaxBatchSize {package.Manifest.MaxBatchSize}, but {ex.Message}", ex);
            }
        }

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

        var engine = new OnnxInferenceEngine(session, package.Manifest, decoder) { _maxBatchSize = batches ? package.Manifest.EffectiveMaxBatchSize : 1 };
        try
        {
            ModelPackageCheck.ThrowIfMismatch(package.Manifest, session, package.Path);

            var loadMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            var warmupStarted = Stopwatch.GetTimestamp();
            engine.WarmUp(package.Path);
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

    /// <summary>The manifest's MaxBatchSize when this load batches (see <see cref="WillBatch"/>), else 1.</summary>
    public int MaxBatchSize => _maxBatchSize;

    private int _maxBatchSize = 1;

    /// <summary>
    /// Whether this load batches: the manifest allows it and the runner may use it — explicitly (MaxBatchSize above 1)
    /// or, on auto (0), only where a GPU provider can run (batches lose on the CPU provider), so CPU loads skip the graph
    /// rewrite and the full-batch warm-up.
    /// </summary>
    public static bool WillBatch(ModelManifest manifest, ModelLoadOptions options)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(options);
        if (manifest.EffectiveMaxBatchSize <= 1 || options.MaxBatchSize == 1)
        {
            return false;
        }

        return options.MaxBatchSize > 1
            || (options.Accelerator != Accelerator.Cpu && OrtEnv.Instance().GetAvailableProviders().Contains(ExecutionProviders.Cuda));
    }

    public InferenceOutput Infer(ReadOnlyMemory<byte> encodedImage, CancellationToken cancellationToken = default)
    {
        using var prepared = Prepare(encodedImage, cancellationToken);
        return InferBatch([prepared], cancellationToken)[0];
    }

    public PreparedImage Prepare(ReadOnlyMemory<byte> encodedImage, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var started = Stopwatch.GetTimestamp();
        var frame = ArrayPool<byte>.Shared.Rent(_preprocessor.FrameLength);
        float[]? tensor = null;
        try
        {
            _decoder.Decode(encodedImage.Span, frame);
            var decoded = Stopwatch.GetTimestamp();
            tensor = ArrayPool<float>.Shared.Rent(_preprocessor.TensorLength);
            _preprocessor.Fill(frame, tensor);
            var prepared = new TensorImage(tensor) { DecodeMs = Ms(started, decoded), PreprocessMs = Ms(decoded, Stopwatch.GetTimestamp()) };
            tensor = null;
            return prepared;
        }
        finally
        {
            if (tensor is not null)
            {
                ArrayPool<float>.Shared.Return(tensor);
            }

            ArrayPool<byte>.Shared.Return(frame);
        }
    }

    public IReadOnlyList<InferenceOutput> InferBatch(IReadOnlyList<PreparedImage> images, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(images);
        var count = images.Count;
        if (count == 0 || count > MaxBatchSize)
        {
            throw new ArgumentOutOfRangeException(nameof(images), count, $"A run takes 1 to {MaxBatchSize} images.");
        }

        cancellationToken.ThrowIfCancellationRequested();
        var tensors = new float[count][];
        for (var i = 0; i < count; i++)
        {
            tensors[i] = (images[i] as TensorImage ?? throw new ArgumentException("Images must come from this engine's Prepare.", nameof(images))).Tensor;
        }

        var length = _preprocessor.TensorLength;
        // One image runs straight from its own tensor; a batch is laid out back to back in one pooled buffer.
        var batch = count == 1 ? tensors[0] : ArrayPool<float>.Shared.Rent(length * count);
        try
        {
            if (count > 1)
            {
                for (var i = 0; i < count; i++)
                {
                    tensors[i].AsSpan(0, length).CopyTo(batch.AsSpan(i * length, length));
                }
            }

            var shape = _preprocessor.TensorShape;
            shape[0] = count;
            var started = Stopwatch.GetTimestamp();
            using var input = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, batch.AsMemory(0, length * count), shape);
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
                var inferenceMs = Ms(started, ran);
                if (count > 1)
                {
                    CheckBatched(outputs, count);
                }

                var results = new InferenceOutput[count];
                for (var i = 0; i < count; i++)
                {
                    var readStarted = Stopwatch.GetTimestamp();
                    var output = ReadOutputs(outputs, i, count);
                    var readMs = Ms(readStarted, Stopwatch.GetTimestamp());
                    var image = images[i];
                    results[i] = output with
                    {
                        Timings = new InferenceTimings
                        {
                            DecodeMs = image.DecodeMs,
                            PreprocessMs = image.PreprocessMs,
                            InferenceMs = inferenceMs,
                            TotalMs = Math.Round(image.DecodeMs + image.PreprocessMs + inferenceMs + readMs, 3),
                            BatchSize = count,
                        },
                    };
                }

                return results;
            }
        }
        finally
        {
            if (count > 1)
            {
                ArrayPool<float>.Shared.Return(batch);
            }
        }
    }

    public void Dispose() => _session.Dispose();

    /// <summary>Every output of a batched run must carry the batch as its leading dimension (a graph that reduces over it mixes images).</summary>
    private void CheckBatched(IDisposableReadOnlyCollection<OrtValue> outputs, int count)
    {
        for (var i = 0; i < _outputNames.Length; i++)
        {
            var shape = outputs.ElementAt(i).GetTensorTypeAndShape().Shape;
            if (shape.Length == 0 || shape[0] != count)
            {
                throw new InferenceException(
                    ErrorCodes.InternalError,
                    $"Output '{_outputNames[i]}' of a run of {count} images is {ManifestValidator.Shape(shape.Select(d => (int)d))}: its leading dimension is not the batch.");
            }
        }
    }

    /// <summary>The result of image <paramref name="index"/> of a run of <paramref name="count"/>: each output's share of its tensor.</summary>
    private InferenceOutput ReadOutputs(IDisposableReadOnlyCollection<OrtValue> outputs, int index, int count)
    {
        OrtValue Output(ModelOutputSpec spec) => outputs.ElementAt(Array.IndexOf(_outputNames, spec.Name));
        ReadOnlySpan<float> Slice(OrtValue value)
        {
            var all = value.GetTensorDataAsSpan<float>();
            var each = all.Length / count;
            return all.Slice(index * each, each);
        }

        var empty = new InferenceTimings();
        switch (_manifest.Task)
        {
            case ModelTask.Classification:
            {
                var scores = Slice(Output(_scores!));
                var topK = _manifest.TopK ?? ClassificationPostprocessor.DefaultTopK;
                return new InferenceOutput { Classifications = ClassificationPostprocessor.TopK(scores, _manifest.Labels!, topK, _manifest.ApplySoftmax), Timings = empty };
            }

            case ModelTask.Anomaly:
            {
                float? score = _anomalyScore is null ? null : Slice(Output(_anomalyScore))[0];
                ReadOnlySpan<float> map = default;
                int mapWidth = 0, mapHeight = 0;
                if (_anomalyMap is not null)
                {
                    var value = Output(_anomalyMap);
                    var shape = value.GetTensorTypeAndShape().Shape;
                    (mapHeight, mapWidth) = ((int)shape[^2], (int)shape[^1]);
                    map = Slice(value);
                }

                var threshold = _manifest.AnomalyThreshold!.Value;
                var result = AnomalyPostprocessor.Build(score, map, mapWidth, mapHeight, threshold, _manifest.PixelAnomalyThreshold ?? threshold);
                return new InferenceOutput { DetectAnomalyResult = result, Timings = empty };
            }

            default:
            {
                var vector = Slice(Output(_embedding!)).ToArray();
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

    private void WarmUp(string packagePath)
    {
        // One real run through every stage: a mid-grey JPEG at twice the input size (exercises reduced decoding).
        var grey = _decoder.EncodeGreyJpeg(_manifest.Input.Width * 2, _manifest.Input.Height * 2);
        var single = Infer(grey);
        if (MaxBatchSize == 1)
        {
            return;
        }

        // A model that batches proves it with a full batch: same image, same answer in every slot.
        var images = Enumerable.Range(0, MaxBatchSize).Select(_ => Prepare(grey)).ToArray();
        try
        {
            var outputs = InferBatch(images);
            if (!outputs.All(o => SameAnswer(o, single)))
            {
                throw new ModelPackageException($"The manifest of '{packagePath}' says MaxBatchSize {MaxBatchSize}, but a batch of {MaxBatchSize} gives other results than one image alone (the graph mixes images or fixes the batch inside); set MaxBatchSize to 1.");
            }
        }
        catch (InferenceException ex)
        {
            throw new ModelPackageException($"The manifest of '{packagePath}' says MaxBatchSize {MaxBatchSize}, but the model does not run a batch of {MaxBatchSize}: {ex.Message} Set MaxBatchSize to 1.", ex);
        }
        finally
        {
            foreach (var image in images)
            {
                image.Dispose();
            }
        }
    }

    private static bool SameAnswer(InferenceOutput a, InferenceOutput b)
    {
        static bool Close(float x, float y) => MathF.Abs(x - y) <= 1e-3f * Math.Max(1f, MathF.Abs(y));
        if (a.Embedding is { } ea && b.Embedding is { } eb)
        {
            return ea.Length == eb.Length && ea.Zip(eb).All(p => Close(p.First, p.Second));
        }

        if (a.Classifications is { } ca && b.Classifications is { } cb)
        {
            return ca.Count == cb.Count && ca.Zip(cb).All(p => p.First.Label == p.Second.Label && Close(p.First.Confidence, p.Second.Confidence));
        }

        if (a.DetectAnomalyResult is { } da && b.DetectAnomalyResult is { } db)
        {
            return Close(da.AnomalyScore, db.AnomalyScore);
        }

        return false;
    }

    /// <summary>A prepared image: its tensor, rented from the pool until the image is disposed.</summary>
    private sealed class TensorImage : PreparedImage
    {
        private float[]? _tensor;

        public TensorImage(float[] tensor)
            : base(ReadOnlyMemory<byte>.Empty) => _tensor = tensor;

        public float[] Tensor => _tensor ?? throw new ObjectDisposedException(nameof(TensorImage));

        protected override void Dispose(bool disposing)
        {
            if (Interlocked.Exchange(ref _tensor, null) is { } tensor)
            {
                ArrayPool<float>.Shared.Return(tensor);
            }
        }
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
