using System.Diagnostics;
using System.Text.Json;
using EdgeInference.Core.Inference;
using EdgeInference.Core.Json;
using EdgeInference.Core.Results;
using EdgeInference.Worker.Models;
using EdgeInference.Worker.Options;
using EdgeInference.Worker.Metrics;
using EdgeInference.Worker.Status;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeInference.Worker.Requests;

/// <summary>Runs one accepted request on its model and shapes the reply (result or coded error).</summary>
public sealed class InferenceService
{
    private readonly ModelCatalog _catalog;
    private readonly WorkerState _state;
    private readonly RunLanes _lanes;
    private readonly WorkerMetrics _metrics;
    private readonly LimitsOptions _limits;
    private readonly TimeProvider _time;
    private readonly ILogger<InferenceService> _logger;

    public InferenceService(ModelCatalog catalog, WorkerState state, RunLanes lanes, WorkerMetrics metrics, IOptions<LimitsOptions> limits, TimeProvider time, ILogger<InferenceService> logger)
    {
        _catalog = catalog;
        _lanes = lanes;
        _metrics = metrics;
        _state = state;
        _limits = limits.Value;
        _time = time;
        _logger = logger;
    }

    /// <summary>
    /// Runs <paramref name="request"/> on <paramref name="model"/>: decodes it (one request per core at a time), then
    /// joins the model's next run (alone, or batched with requests that wait with it); never throws for a bad request
    /// (the reply carries the error).
    /// </summary>
    /// <param name="queuedAt">When the request was accepted (<see cref="TimeProvider.GetTimestamp"/>).</param>
    /// <param name="followsDefault">The request named no model: it runs on whatever model the default topics serve when it runs.</param>
    public async Task<byte[]> RunAsync(ServedModel model, ParsedRequest request, long queuedAt, bool followsDefault = false, CancellationToken cancellationToken = default)
    {
        // The model may have been replaced since the request was accepted: by a new one of the same name, or, for a
        // request on the default model, by the model now served in its place (a swap to a model of another name).
        if (!model.TryAcquire(out var lease) && !(Replacement(model.Name, followsDefault) is { } replacement && (model = replacement).TryAcquire(out lease)))
        {
            request.ReleaseImage();
            return Refuse(request.RequestId, ErrorCodes.ModelNotReady, $"Model '{model.Name}' is not loaded: {model.StatusMessage ?? "retry when the status topic says RUNNING"}.");
        }

        // The lease keeps this engine alive through the run even if the model is swapped or unloaded meanwhile.
        using var held = lease;
        var engine = held.Engine;
        _state.RequestStarted();
        string? code = null;
        try
        {
            cancellationToken.ThrowIfCancellationRequested();
            PreparedImage prepared;
            long decodeStarted;
            await _lanes.DecodeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                decodeStarted = _time.GetTimestamp();
                prepared = engine.Prepare(request.Image, cancellationToken);
            }
            finally
            {
                _lanes.DecodeGate.Release();
                request.ReleaseImage();
            }

            var decodeEnded = _time.GetTimestamp();
            LaneResult ran;
            using (prepared)
            {
                ran = await _lanes.For(engine).RunAsync(prepared, cancellationToken).ConfigureAwait(false);
            }

            var output = ran.Output;
            var waitedBefore = _time.GetElapsedTime(queuedAt, decodeStarted);
            var waitedForRun = ran.RunStarted > decodeEnded ? _time.GetElapsedTime(decodeEnded, ran.RunStarted) : TimeSpan.Zero;
            var timings = output.Timings with
            {
                QueueMs = Math.Round((waitedBefore + waitedForRun).TotalMilliseconds, 3),
                TotalMs = Math.Round(_time.GetElapsedTime(queuedAt).TotalMilliseconds, 3),
            };
            _metrics.RecordSuccess(timings);
            return JsonSerializer.SerializeToUtf8Bytes(
                new InferenceResult
                {
                    RequestId = request.RequestId,
                    Model = model.Provenance ?? Provenance.ForOwnModel(engine.Model, model.Name),
                    ExecutionProvider = engine.Model.ExecutionProvider.Active,
                    DetectAnomalyResult = output.DetectAnomalyResult,
                    Classifications = output.Classifications,
                    Embedding = output.Embedding,
                    Timings = timings,
                },
                CoreJsonContext.Default.InferenceResult);
        }
        catch (InferenceException ex)
        {
            code = ex.Code;
            WorkerLog.RequestRefused(_logger, LogText.Escape(request.RequestId), ex.Code, ex.Message);
            return Error(request.RequestId, ex.Code, ex.Message);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            code = ErrorCodes.Busy;
            return Error(request.RequestId, ErrorCodes.Busy, "The worker stopped before the request ran; retry later.");
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            code = ErrorCodes.InternalError;
            WorkerLog.RequestFailed(_logger, LogText.Escape(request.RequestId), ex);
            return Error(request.RequestId, ErrorCodes.InternalError, $"The request failed: {ex.Message}");
        }
        finally
        {
            _state.RequestFinished(code is null);
            if (code is not null)
            {
                _metrics.RecordError(code);
            }
        }
    }

    private ServedModel? Replacement(string name, bool followsDefault) =>
        _catalog.Find(name) ?? (followsDefault ? _catalog.ResolveDefault(out _, out _) : null);

    /// <summary>A refusal before any run: counted as failed, logged once, answered with its code.</summary>
    public byte[] Refuse(string requestId, string code, string message)
    {
        _state.RequestRefused(code == ErrorCodes.Busy);
        _metrics.RecordError(code);
        WorkerLog.RequestRefused(_logger, LogText.Escape(requestId), code, message);
        return Error(requestId, code, message);
    }

    public byte[] Busy(string requestId) =>
        Refuse(requestId, ErrorCodes.Busy, $"The worker is at capacity ({_limits.MaxConcurrentRequests} running, {_limits.MaxQueue} queued); retry later.");

    public static byte[] Error(string? requestId, string code, string message) =>
        JsonSerializer.SerializeToUtf8Bytes(
            new ErrorReply { RequestId = requestId, Error = new ErrorDetail { Code = code, Message = message } },
            CoreJsonContext.Default.ErrorReply);
}
