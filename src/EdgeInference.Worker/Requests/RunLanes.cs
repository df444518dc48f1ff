using System.Runtime.CompilerServices;
using EdgeInference.Core.Inference;
using EdgeInference.Worker.Options;
using Microsoft.Extensions.Options;

namespace EdgeInference.Worker.Requests;

/// <summary>
/// One <see cref="RunLane"/> per loaded engine (a swapped-in engine gets its own; the old one's lane goes with it), and
/// the gate that keeps decoding to one request per core.
/// </summary>
public sealed class RunLanes : IDisposable
{
    private readonly ConditionalWeakTable<IInferenceEngine, RunLane> _lanes = [];
    private readonly LimitsOptions _limits;
    private readonly TimeProvider _time;

    public RunLanes(IOptions<LimitsOptions> limits, TimeProvider time)
    {
        _limits = limits.Value;
        _time = time;
        DecodeGate = new SemaphoreSlim(Math.Max(1, Environment.ProcessorCount));
    }

    /// <summary>Held while a request decodes and preprocesses.</summary>
    public SemaphoreSlim DecodeGate { get; }

    public RunLane For(IInferenceEngine engine) =>
        _lanes.GetValue(engine, e => new RunLane(
            e,
            _limits.EffectiveMaxBatchSize(e.Model.ExecutionProvider.Active, e.MaxBatchSize),
            _limits.EffectiveMaxConcurrentRuns(e.Model.ExecutionProvider.Active, Environment.ProcessorCount),
            TimeSpan.FromMilliseconds(_limits.BatchDelayMilliseconds),
            _time));

    public void Dispose() => DecodeGate.Dispose();
}
