using EdgeInference.Worker.Requests;

namespace EdgeInference.Worker.Heads.Mqtt;

/// <summary>
/// Replies that could not be published while the broker was away, kept in arrival order until the reconnect: at most
/// <see cref="MaxCount"/> replies and <see cref="MaxBytes"/> bytes, none older than <see cref="MaxAge"/>. Thread-safe.
/// </summary>
internal sealed class ReplyOutbox
{
    public const int MaxCount = 1024;
    public const long MaxBytes = 64L * 1024 * 1024;
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(5);

    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly Queue<(OutgoingReply Reply, DateTimeOffset At)> _replies = new();
    private long _bytes;

    public ReplyOutbox(TimeProvider time) => _time = time;

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _replies.Count;
            }
        }
    }

    /// <summary>Keeps <paramref name="reply"/>; false when the outbox is full.</summary>
    public bool TryAdd(OutgoingReply reply)
    {
        lock (_gate)
        {
            if (_replies.Count >= MaxCount || _bytes + reply.Json.Length > MaxBytes)
            {
                return false;
            }

            _replies.Enqueue((reply, _time.GetUtcNow()));
            _bytes += reply.Json.Length;
            return true;
        }
    }

    /// <summary>Empties the outbox: the replies still worth sending, oldest first, and those that waited too long.</summary>
    public IReadOnlyList<OutgoingReply> TakeAll(out IReadOnlyList<OutgoingReply> expired)
    {
        var now = _time.GetUtcNow();
        var fresh = new List<OutgoingReply>();
        var stale = new List<OutgoingReply>();
        lock (_gate)
        {
            while (_replies.TryDequeue(out var entry))
            {
                (now - entry.At <= MaxAge ? fresh : stale).Add(entry.Reply);
            }

            _bytes = 0;
        }

        expired = stale;
        return fresh;
    }
}
