using EdgeInference.Anomaly.Training;
using EdgeInference.LookoutVision.Shapes;
using EdgeInference.LookoutVision.Store;

namespace EdgeInference.LookoutVision.Models;

/// <summary>
/// A model version reserved as TRAINING, holding the project's training lock until <see cref="RunAsync"/> ends (or it
/// is disposed unrun, which marks it TRAINING_FAILED). Exactly one training per project runs at a time.
/// </summary>
public sealed class ModelTraining : IDisposable
{
    private readonly FileStream _lock;
    private readonly Func<IProgress<TrainingProgress>?, CancellationToken, TrainingRecord> _run;
    private readonly Action _abandon;
    private int _state;

    internal ModelTraining(LookoutModelMetadata metadata, FileStream trainingLock, Func<IProgress<TrainingProgress>?, CancellationToken, TrainingRecord> run, Action abandon)
    {
        Metadata = metadata;
        _lock = trainingLock;
        _run = run;
        _abandon = abandon;
    }

    /// <summary>CreateModel's reply: the new version, TRAINING.</summary>
    public LookoutModelMetadata Metadata { get; }

    /// <summary>Trains (CPU-bound, on a thread-pool thread) and records TRAINED or TRAINING_FAILED; never throws for a failed training.</summary>
    public async Task<TrainingRecord> RunAsync(IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _state, 1) != 0)
        {
            throw new InvalidOperationException("This training already ran.");
        }

        try
        {
            return await Task.Run(() => _run(progress, cancellationToken), CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            _lock.Dispose();
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _state, 2) == 0)
        {
            _abandon();
            _lock.Dispose();
        }
    }
}
