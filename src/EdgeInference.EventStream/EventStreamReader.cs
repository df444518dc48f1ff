using System.IO.Pipelines;
using System.Runtime.CompilerServices;

namespace EdgeInference.EventStream;

/// <summary>
/// Reads whole event-stream messages from a <see cref="PipeReader"/>, however the bytes are chunked.
/// Not thread-safe: one reader loop per pipe.
/// </summary>
public sealed class EventStreamReader
{
    private readonly PipeReader _reader;
    private readonly EventStreamOptions _options;

    /// <summary>Creates a reader over <paramref name="reader"/> with the given limits.</summary>
    public EventStreamReader(PipeReader reader, EventStreamOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        _reader = reader;
        _options = options ?? EventStreamOptions.Default;
        _options.Validate();
    }

    /// <summary>Reads the next message.</summary>
    /// <returns>The message, or <see langword="null"/> when the pipe ended cleanly between frames.</returns>
    /// <exception cref="EventStreamException">A corrupt frame, or the pipe ended inside a frame.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> fired or the read was cancelled.</exception>
    public async ValueTask<EventStreamMessage?> ReadAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var result = await _reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            var consumed = false;
            try
            {
                if (EventStreamCodec.TryDecode(ref buffer, out var message, _options))
                {
                    consumed = true;
                    _reader.AdvanceTo(buffer.Start);
                    return message;
                }
            }
            catch (EventStreamException)
            {
                consumed = true;
                _reader.AdvanceTo(buffer.End);
                throw;
            }
            finally
            {
                if (!consumed && (result.IsCompleted || result.IsCanceled))
                {
                    _reader.AdvanceTo(buffer.End);
                }
            }

            if (result.IsCompleted)
            {
                return buffer.IsEmpty
                    ? null
                    : throw new EventStreamMalformedFrameException(
                        $"Stream ended inside a frame ({buffer.Length} bytes of an incomplete frame).");
            }

            if (result.IsCanceled)
            {
                throw new OperationCanceledException("The pipe read was cancelled.");
            }

            _reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    /// <summary>Yields messages until the pipe ends cleanly.</summary>
    public async IAsyncEnumerable<EventStreamMessage> ReadAllAsync(
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (await ReadAsync(cancellationToken).ConfigureAwait(false) is { } message)
        {
            yield return message;
        }
    }
}
