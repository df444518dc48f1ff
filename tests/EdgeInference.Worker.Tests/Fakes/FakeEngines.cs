using System.Collections.Concurrent;
using EdgeInference.Core.Inference;
using EdgeInference.Core.Manifest;
using EdgeInference.Core.Packaging;
using EdgeInference.Core.Results;

namespace EdgeInference.Worker.Tests.Fakes;

/// <summary>An engine that answers every image with one fixed classification: the request path without ONNX Runtime.</summary>
internal sealed class FakeEngine : IInferenceEngine
{
    private readonly SemaphoreSlim? _gate;
    private volatile bool _disposed;

    public FakeEngine(string name, ModelLoadOptions options, string label = "ok", SemaphoreSlim? gate = null)
    {
        _gate = gate;
        Label = label;
        Options = options;
        Model = new LoadedModelInfo
        {
            PackagePath = options.PackagePath,
            Name = name,
            Task = ModelTask.Classification,
            Sha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(options.PackagePath))),
            Inputs = [],
            Outputs = [],
            ExecutionProvider = new ExecutionProviderInfo { RequestedAccelerator = options.Accelerator.ToConfigName(), Active = "CPUExecutionProvider", Available = ["CPUExecutionProvider"] },
            ModelPackagingDescription = options.PackagingDescriptionOverride,
        };
    }

    public string Label { get; }

    public ModelLoadOptions Options { get; }

    public bool Disposed => _disposed;

    public LoadedModelInfo Model { get; }

    public int Runs;

    public InferenceOutput Infer(ReadOnlyMemory<byte> encodedImage, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (encodedImage.Length == 0 || encodedImage.Span[0] == 0xBA)
        {
            throw InferenceException.InvalidImage("The fake engine refuses images starting with 0xBA.");
        }

        if (_gate is not null && !_gate.Wait(TimeSpan.FromSeconds(30), cancellationToken))
        {
            throw new TimeoutException("The test never opened the engine's gate.");
        }

        Interlocked.Increment(ref Runs);
        return new InferenceOutput { Classifications = [new Classification { Label = Label, Confidence = 1 }], Timings = new InferenceTimings { TotalMs = 1 } };
    }

    public void Dispose() => _disposed = true;
}

/// <summary>
/// Loads <see cref="FakeEngine"/>s: the model name is the package folder's name, the label its <c>label.txt</c> when
/// present; a package folder holding <c>broken</c> fails like an unusable package; every load is recorded.
/// </summary>
internal sealed class FakeEngineLoader(SemaphoreSlim? gate = null) : IInferenceEngineLoader
{
    public ConcurrentQueue<ModelLoadOptions> Loads { get; } = new();

    public ConcurrentBag<FakeEngine> Engines { get; } = [];

    public IInferenceEngine Load(ModelLoadOptions options, CancellationToken cancellationToken = default)
    {
        Loads.Enqueue(options);
        if (File.Exists(Path.Combine(options.PackagePath, "broken")))
        {
            throw new ModelPackageException($"The manifest of '{options.PackagePath}' is invalid: fake breakage.");
        }

        var label = File.Exists(Path.Combine(options.PackagePath, "label.txt")) ? File.ReadAllText(Path.Combine(options.PackagePath, "label.txt")).Trim() : "ok";
        var engine = new FakeEngine(Path.GetFileName(options.PackagePath.TrimEnd('/')), options, label, gate);
        Engines.Add(engine);
        return engine;
    }

    /// <summary>A package folder for the fake loader under <paramref name="root"/>.</summary>
    public static string Package(string root, string name, string label = "ok", bool broken = false, ModelPackagingDescription? description = null)
    {
        var folder = Directory.CreateDirectory(Path.Combine(root, name)).FullName;
        File.WriteAllText(Path.Combine(folder, "label.txt"), label);
        if (broken)
        {
            File.WriteAllText(Path.Combine(folder, "broken"), "yes");
        }

        return folder;
    }
}

/// <summary>An engine that batches: records each run's size, answers each image with its first byte, and can hold runs at a gate.</summary>
internal sealed class BatchingEngine : IInferenceEngine
{
    private readonly SemaphoreSlim? _gate;
    private readonly TaskCompletionSource _runStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _running;

    public BatchingEngine(int maxBatch, SemaphoreSlim? gate = null)
    {
        MaxBatchSize = maxBatch;
        _gate = gate;
        Model = new LoadedModelInfo
        {
            PackagePath = "batching",
            Name = "batching",
            Task = ModelTask.Embedding,
            Sha256 = new string('0', 64),
            Inputs = [],
            Outputs = [],
            ExecutionProvider = new ExecutionProviderInfo { RequestedAccelerator = "cpu", Active = "CPUExecutionProvider", Available = ["CPUExecutionProvider"] },
        };
    }

    public LoadedModelInfo Model { get; }

    public int MaxBatchSize { get; }

    public ConcurrentQueue<int> Sizes { get; } = new();

    public List<int> BatchSizes => [.. Sizes];

    public bool FailNext { get; set; }

    public int Running => Volatile.Read(ref _running);

    public Task RunStarted => _runStarted.Task;

    public InferenceOutput Infer(ReadOnlyMemory<byte> encodedImage, CancellationToken cancellationToken = default) =>
        InferBatch([new PreparedImage(encodedImage)], cancellationToken)[0];

    public IReadOnlyList<InferenceOutput> InferBatch(IReadOnlyList<PreparedImage> images, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _running);
        try
        {
            _runStarted.TrySetResult();
            if (_gate is not null && !_gate.Wait(TimeSpan.FromSeconds(30), cancellationToken))
            {
                throw new TimeoutException("The test never opened the engine's gate.");
            }

            Sizes.Enqueue(images.Count);
            if (FailNext)
            {
                FailNext = false;
                throw new InferenceException(ErrorCodes.InternalError, "The fake run failed.");
            }

            return images.Select(i => new InferenceOutput
            {
                Embedding = [i.Encoded.Span[0]],
                Timings = new InferenceTimings { InferenceMs = 1, TotalMs = 1, BatchSize = images.Count },
            }).ToArray();
        }
        finally
        {
            Interlocked.Decrement(ref _running);
        }
    }

    public void Dispose()
    {
    }
}
