using EdgeInference.Core.Results;
using EdgeInference.Worker.Models;
using EdgeInference.Worker.Options;
using EdgeInference.Worker.Status;
using Microsoft.Extensions.Options;

namespace EdgeInference.Worker.Requests;

/// <summary>
/// The one path of a request, whatever the transport: read it, choose its reply address, answer describe at once,
/// find the model it addresses, refuse what cannot run (each with its code — never silence), queue the rest (Busy when
/// the queue is full), and send the reply through the head it came from.
/// </summary>
public sealed class RequestDispatcher
{
    private readonly ModelCatalog _catalog;
    private readonly InferenceService _inference;
    private readonly RequestQueue _queue;
    private readonly DescribeService _describe;
    private readonly TopicOptions _topics;
    private readonly LimitsOptions _limits;
    private readonly ReplyAddressPolicy _replies;
    private readonly TimeProvider _time;
    private volatile bool _intakeStopped;

    public RequestDispatcher(
        ModelCatalog catalog,
        InferenceService inference,
        RequestQueue queue,
        DescribeService describe,
        IOptions<TopicOptions> topics,
        IOptions<WorkerOptions> worker,
        IOptions<LimitsOptions> limits,
        TimeProvider time)
    {
        _catalog = catalog;
        _inference = inference;
        _queue = queue;
        _describe = describe;
        _topics = topics.Value.Resolve(worker.Value.EffectiveThingName);
        _limits = limits.Value;
        _replies = new ReplyAddressPolicy(_topics);
        _time = time;
    }

    /// <summary>The topics served, with the thing name in them.</summary>
    public TopicOptions Topics => _topics;

    /// <summary>From now on, requests are answered Busy (the worker is stopping); describe is still answered.</summary>
    public void StopIntake() => _intakeStopped = true;

    /// <summary>Whether <paramref name="topic"/> is one the worker serves (request, per-model request or describe).</summary>
    public bool Serves(string topic) => topic == _topics.Request || topic == _topics.Describe || _topics.ModelNameOf(topic) is not null;

    /// <summary>
    /// Handles one message; returns once it is accepted (queued) or answered, which is when a transport may acknowledge it.
    /// Reads the payload before the first await (it may be the transport's buffer).
    /// </summary>
    public async Task DispatchAsync(IncomingMessage message, IReplySender sender, CancellationToken cancellationToken = default)
    {
        var isDescribe = message.Topic == _topics.Describe;
        var namedModel = isDescribe ? null : _topics.ModelNameOf(message.Topic);
        var request = RequestReader.Read(message, _limits.MaxPayloadBytes, forDescribe: isDescribe);
        var fallback = isDescribe ? _topics.DescribeReply : namedModel is null ? _topics.Result : _topics.ModelResultTopic(namedModel);
        var topic = _replies.Choose(message.ResponseTopic, request.ReplyTo, fallback, out var addressProblem);

        Task Send(string replyTopic, byte[] json) =>
            sender.SendAsync(
                new OutgoingReply(message.Channel, replyTopic, message.CorrelationData, json)
                {
                    RequestId = request.RequestId,
                    FallbackTopic = replyTopic == fallback ? null : fallback,
                },
                cancellationToken);

        if (topic is null)
        {
            await Send(fallback, _inference.Refuse(request.RequestId, ErrorCodes.InvalidRequest, addressProblem!)).ConfigureAwait(false);
            return;
        }

        if (isDescribe)
        {
            await Send(topic, _describe.BuildJson(request.RequestId)).ConfigureAwait(false);
            return;
        }

        if (request.Error is { } refused)
        {
            await Send(topic, _inference.Refuse(request.RequestId, refused.Code, refused.Message)).ConfigureAwait(false);
            return;
        }

        if (_intakeStopped)
        {
            await Send(topic, _inference.Refuse(request.RequestId, ErrorCodes.Busy, "The worker is stopping: no new requests are accepted; retry later.")).ConfigureAwait(false);
            return;
        }

        var requested = namedModel ?? request.Model;
        string? code;
        string? reason;
        var model = requested is null ? _catalog.ResolveDefault(out code, out reason) : _catalog.Resolve(requested, out code, out reason);
        if (model is null)
        {
            await Send(topic, _inference.Refuse(request.RequestId, code!, reason!)).ConfigureAwait(false);
            return;
        }

        var queuedAt = _time.GetTimestamp();
        var accepted = _queue.HasRoom;
        if (accepted)
        {
            var owned = request.Owned();
            accepted = _queue.TryEnqueue(async runToken => await Send(topic, await _inference.RunAsync(model, owned, queuedAt, followsDefault: requested is null, runToken).ConfigureAwait(false)).ConfigureAwait(false));
            if (!accepted)
            {
                owned.ReleaseImage();
            }
        }

        if (!accepted)
        {
            await Send(topic, _inference.Busy(request.RequestId)).ConfigureAwait(false);
        }
    }
}
