using System.IO.Pipelines;

namespace EdgeInference.EventStream;

/// <summary>
/// Writes event-stream messages to a <see cref="PipeWriter"/>. Thread-safe: concurrent writers are serialised so
/// frames never interleave.
/// </summary>
public sealed class EventStreamWriter
{
    private readonly PipeWriter _writer;
    private readonly EventStreamOptions _options;
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Creates a writer over <paramref name="writer"/> with the given limits.</summary>
    public EventStreamWriter(PipeWriter writer, EventStreamOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        _writer = writer;
        _options = options ?? EventStreamOptions.Default;
        _options.Validate();
    }

    /// <summary>Encodes and flushes one message.</summary>
    /// <returns><see langword="false"/> when the reading side of the pipe has completed (the peer is gone).</returns>
    /// <exception cref="EventStreamFrameTooLargeException">The message exceeds the configured limits; nothing was written.</exception>
    public async ValueTask<bool> WriteAsync(EventStreamMessage message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            EventStreamCodec.Encode(message, _writer, _options);
            var result = await _writer.FlushAsync(cancellationToken).ConfigureAwait(false);
            return !result.IsCompleted;
        }
        finally
        {
            _gate.Release();
        }
    }
}
