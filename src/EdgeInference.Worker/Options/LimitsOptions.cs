namespace EdgeInference.Worker.Options;

/// <summary>The <c>Limits</c> section: what a request may cost, and how requests share the model's runs.</summary>
public sealed record LimitsOptions
{
    public const string SectionName = "Limits";

    /// <summary>Largest request payload; larger ones get PayloadTooLarge without being parsed.</summary>
    public long MaxPayloadBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>Largest image (width × height from its header); larger ones are refused before decoding.</summary>
    public long MaxImagePixels { get; set; } = 40_000_000;

    /// <summary>
    /// Requests in progress at once: decoding (at most one per core at a time), waiting for a run, or running. A batch
    /// is made of requests in progress, so this bounds the batch too.
    /// </summary>
    public int MaxConcurrentRequests { get; set; } = 2;

    /// <summary>Requests waiting beyond those in progress; when full, new requests get Busy at once.</summary>
    public int MaxQueue { get; set; } = 32;

    /// <summary>
    /// ONNX Runtime runs of one model at once, on one session whose intra-op threads are every core (Model:IntraOpThreads
    /// 0): a request alone runs on every core, and under load two runs share the cores, so the threads each run gets
    /// follow the load (BENCHMARKS.md, "Threads per run"). 1: one run at a time. On the CPU provider, never more runs than
    /// the cores the process may use (<see cref="EffectiveMaxConcurrentRuns"/>).
    /// </summary>
    public int MaxConcurrentRuns { get; set; } = 2;

    /// <summary>
    /// The runs at once in force on <paramref name="executionProvider"/>: on the CPU provider capped by
    /// <paramref name="cores"/> (the process's CPU affinity, <see cref="Environment.ProcessorCount"/>) — a worker pinned to
    /// one core that ran two at once only switched between them, 16 % below one at a time (BENCHMARKS.md, "Scale-out");
    /// a GPU run mostly waits on the device, so there the setting stands.
    /// </summary>
    public int EffectiveMaxConcurrentRuns(string executionProvider, int cores) =>
        executionProvider == EdgeInference.Onnx.Sessions.ExecutionProviders.Cpu ? Math.Max(1, Math.Min(MaxConcurrentRuns, cores)) : MaxConcurrentRuns;

    /// <summary>
    /// Most requests one run takes (dynamic batching), capped by the model's manifest <c>MaxBatchSize</c>; 1: every
    /// request runs alone. 0 (auto): batches only where batching wins — on a GPU provider (CUDA, TensorRT), up to
    /// MaxConcurrentRequests; on the CPU provider every request runs alone (measured: batches of ResNet18 run slower
    /// per image on CPU, see BENCHMARKS.md).
    /// </summary>
    public int MaxBatchSize { get; set; }

    /// <summary>The batch limit for a model on <paramref name="executionProvider"/> whose manifest allows <paramref name="modelMaxBatch"/>.</summary>
    public int EffectiveMaxBatchSize(string executionProvider, int modelMaxBatch)
    {
        var wanted = MaxBatchSize > 0
            ? MaxBatchSize
            : executionProvider == EdgeInference.Onnx.Sessions.ExecutionProviders.Cpu ? 1 : MaxConcurrentRequests;
        return Math.Max(1, Math.Min(wanted, modelMaxBatch));
    }

    /// <summary>
    /// How long a run waits for its batch to fill once its first request is ready (0: a run takes the requests already
    /// waiting and starts at once).
    /// </summary>
    public double BatchDelayMilliseconds { get; set; }
}
