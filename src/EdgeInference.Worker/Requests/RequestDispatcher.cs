using System.Buffers;
using EdgeInference.Worker.Options;

namespace EdgeInference.Worker.Requests;

/// <summary>
/// What every head does with a request payload: parse it, answer a refusal at once, queue the rest (Busy when the
/// queue is full), and reply through the head's own sender. Heads differ only in how bytes arrive and leave.
/// </summary>
public sealed class RequestDispatcher
{
    private readonly InferenceService _inference;
    private readonly RequestQueue _queue;

    public RequestDispatcher(InferenceService inference, RequestQueue queue)
    {
        _inference = inference;
        _queue = queue;
    }

    /// <param name="replyTopicFor">Chooses the reply topic, given the ReplyTo a JSON request named (or null).</param>
    /// <param name="sendAsync">Publishes a reply (topic, JSON bytes) on the head's transport.</param>
    public async Task DispatchAsync(ReadOnlySequence<byte> payload, string? requestIdHint, Func<string?, string> replyTopicFor, Func<string, byte[], Task> sendAsync)
    {
        var request = _inference.Parse(payload, requestIdHint);
        var replyTopic = replyTopicFor(request.ReplyTo);
        if (request.Error is not null)
        {
            await sendAsync(replyTopic, _inference.Run(request)).ConfigureAwait(false);
            return;
        }

        var accepted = _queue.TryEnqueue(async () => await sendAsync(replyTopic, _inference.Run(request)).ConfigureAwait(false));
        if (!accepted)
        {
            await sendAsync(replyTopic, _inference.Busy(request.RequestId)).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The first usable reply address, else <paramref name="fallback"/>. Never a topic the worker serves (its own replies
    /// would come back as requests) nor a filter with wildcards.
    /// </summary>
    public static string ChooseReplyTopic(TopicOptions served, string? responseTopic, string? replyTo, string fallback)
    {
        foreach (var candidate in new[] { responseTopic, replyTo })
        {
            if (!string.IsNullOrEmpty(candidate) && candidate != served.Request && candidate != served.Describe && candidate.IndexOfAny(['+', '#', '*']) < 0)
            {
                return candidate;
            }
        }

        return fallback;
    }
}
