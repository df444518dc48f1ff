using System.Buffers;
using System.Text.Json;
using EdgeInference.Core.Inference;
using EdgeInference.Core.Json;
using EdgeInference.Core.Results;
using EdgeInference.Worker.Models;
using EdgeInference.Worker.Options;
using EdgeInference.Worker.Status;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace EdgeInference.Worker.Requests;

/// <summary>Transport-independent request handling: payload in, reply JSON out. Heads add addressing.</summary>
public sealed class InferenceService
{
    private readonly ModelHost _models;
    private readonly WorkerState _state;
    private readonly LimitsOptions _limits;
    private readonly ILogger<InferenceService> _logger;

    public InferenceService(ModelHost models, WorkerState state, IOptions<LimitsOptions> limits, ILogger<InferenceService> logger)
    {
        _models = models;
        _state = state;
        _limits = limits.Value;
        _logger = logger;
    }

    public ParsedRequest Parse(ReadOnlySequence<byte> payload, string? requestIdHint = null) =>
        RequestParser.Parse(payload, _limits.MaxPayloadBytes, string.IsNullOrEmpty(requestIdHint) ? Guid.NewGuid().ToString("N") : requestIdHint);

    /// <summary>Runs one parsed request; never throws for a bad request (the reply carries the error).</summary>
    public byte[] Run(ParsedRequest request, CancellationToken cancellationToken = default)
    {
        if (request.Error is { } refused)
        {
            _state.RequestStarted();
            _state.RequestFinished(succeeded: false);
            WorkerLog.RequestRefused(_logger, request.RequestId, refused.Code, refused.Message);
            return Error(request.RequestId, refused.Code, refused.Message);
        }

        if (!_models.TryAcquire(out var lease))
        {
            return Error(request.RequestId, ErrorCodes.ModelNotReady, "The model is not loaded yet; retry when the status topic says RUNNING.");
        }

        // The lease keeps this engine alive through the run even if a configuration update swaps the model meanwhile.
        using var held = lease;
        var engine = held.Engine;
        _state.RequestStarted();
        var succeeded = false;
        try
        {
            var output = engine.Infer(request.Image, cancellationToken);
            succeeded = true;
            return JsonSerializer.SerializeToUtf8Bytes(
                new InferenceResult
                {
                    RequestId = request.RequestId,
                    Model = engine.Model.ToProvenance(),
                    ExecutionProvider = engine.Model.ExecutionProvider.Active,
                    DetectAnomalyResult = output.DetectAnomalyResult,
                    Classifications = output.Classifications,
                    Embedding = output.Embedding,
                    Timings = output.Timings,
                },
                CoreJsonContext.Default.InferenceResult);
        }
        catch (InferenceException ex)
        {
            WorkerLog.RequestRefused(_logger, request.RequestId, ex.Code, ex.Message);
            return Error(request.RequestId, ex.Code, ex.Message);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return Error(request.RequestId, ErrorCodes.InternalError, "The worker stopped before the request ran.");
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            WorkerLog.RequestFailed(_logger, request.RequestId, ex);
            return Error(request.RequestId, ErrorCodes.InternalError, $"The request failed: {ex.Message}");
        }
        finally
        {
            _state.RequestFinished(succeeded);
        }
    }

    public byte[] Busy(string requestId)
    {
        _state.RequestRejected();
        return Error(requestId, ErrorCodes.Busy, $"The worker is at capacity ({_limits.MaxConcurrentRequests} running, {_limits.MaxQueue} queued); retry later.");
    }

    public static byte[] Error(string? requestId, string code, string message) =>
        JsonSerializer.SerializeToUtf8Bytes(
            new ErrorReply { RequestId = requestId, Error = new ErrorDetail { Code = code, Message = message } },
            CoreJsonContext.Default.ErrorReply);
}
