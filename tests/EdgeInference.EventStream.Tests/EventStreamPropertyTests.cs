using System.Buffers;
using System.IO.Pipelines;
using CsCheck;
using Xunit;

namespace EdgeInference.EventStream.Tests;

/// <summary>Random and mutated frames: the decoder returns a message, asks for more bytes, or throws a typed error — nothing else, and never hangs.</summary>
public sealed class EventStreamPropertyTests
{
    private static readonly EventStreamOptions SmallLimits = new() { MaxMessageSize = 64 * 1024, MaxHeadersLength = 16 * 1024, MaxHeaderCount = 64 };

    private static readonly Gen<string> HeaderName =
        Gen.Char['a', 'z'].Array[1, 12].Select(chars => new string(chars));

    private static readonly Gen<HeaderValue> AnyValue = Gen.OneOf(
        Gen.Bool.Select(HeaderValue.FromBool),
        Gen.SByte.Select(HeaderValue.FromByte),
        Gen.Short.Select(HeaderValue.FromInt16),
        Gen.Int.Select(HeaderValue.FromInt32),
        Gen.Long.Select(HeaderValue.FromInt64),
        Gen.Byte.Array[0, 40].Select(b => HeaderValue.FromBytes(b)),
        Gen.Char['\u0020', '\u07ff'].Array[0, 30].Select(c => HeaderValue.FromString(new string(c))),
        Gen.Long[-62135596800000L, 253402300799999L].Select(ms => HeaderValue.FromTimestamp(DateTimeOffset.FromUnixTimeMilliseconds(ms))),
        Gen.Guid.Select(HeaderValue.FromUuid));

    private static readonly Gen<EventStreamMessage> AnyMessage = Gen.Select(
        Gen.Select(HeaderName, AnyValue, (n, v) => new EventStreamHeader(n, v)).Array[0, 8],
        Gen.Byte.Array[0, 200],
        (headers, payload) => new EventStreamMessage(headers, payload));

    [Fact]
    public void EncodeDecode_RandomMessages_RoundTrip()
    {
        AnyMessage.Sample(
            message =>
            {
                var decoded = EventStreamCodec.Decode(EventStreamCodec.Encode(message));
                Assert.Equal(message.Headers, decoded.Headers);
                Assert.True(message.Payload.Span.SequenceEqual(decoded.Payload.Span));
            },
            iter: 2000,
            threads: 1);
    }

    [Fact]
    public void TryDecode_RandomBytes_OnlyMessagesOrTypedErrors()
    {
        Gen.Byte.Array[0, 300].Sample(bytes => AssertOnlyTypedOutcomes(bytes), iter: 5000, threads: 1);
    }

    [Fact]
    public void TryDecode_ValidFrameWithRandomByteMutations_OnlyMessagesOrTypedErrors()
    {
        Gen.Select(AnyMessage, Gen.Int[1, 6], Gen.Int, (m, count, seed) => (m, count, seed)).Sample(
            sample =>
            {
                var frame = EventStreamCodec.Encode(sample.m);
                var random = new Random(sample.seed);
                for (var i = 0; i < sample.count; i++)
                {
                    frame[random.Next(frame.Length)] = (byte)random.Next(256);
                }

                AssertOnlyTypedOutcomes(frame);
                AssertOnlyTypedOutcomes(frame.AsSpan(0, random.Next(frame.Length)).ToArray());
            },
            iter: 3000,
            threads: 1);
    }

    [Fact]
    public void TryDecode_HeaderBytesMutatedWithChecksumsRepaired_OnlyMessagesOrTypedErrors()
    {
        // Repairing both CRCs after mutating the headers block drives random bytes into the header parser itself.
        Gen.Select(AnyMessage, Gen.Int[1, 4], Gen.Int, (m, count, seed) => (m, count, seed)).Sample(
            sample =>
            {
                var frame = EventStreamCodec.Encode(sample.m);
                var headersLength = (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(frame.AsSpan(4));
                if (headersLength == 0)
                {
                    return;
                }

                var random = new Random(sample.seed);
                for (var i = 0; i < sample.count; i++)
                {
                    frame[12 + random.Next(headersLength)] = (byte)random.Next(256);
                }

                Frames.FixChecksums(frame);
                AssertOnlyTypedOutcomes(frame);
            },
            iter: 3000,
            threads: 1);
    }

    [Fact]
    public async Task ReadAsync_RandomAndMutatedStreams_EndWithinBoundedTime()
    {
        var streams = Gen.OneOf(
            Gen.Byte.Array[0, 400],
            AnyMessage.Array[1, 4].Select(ms =>
            {
                var bytes = ms.SelectMany(m => EventStreamCodec.Encode(m)).ToArray();
                bytes[bytes.Length / 2] ^= 0x5a;
                return bytes;
            }));
        var samples = new List<byte[]>();
        streams.Sample(samples.Add, iter: 300, threads: 1);

        foreach (var bytes in samples)
        {
            var pipe = new Pipe();
            await pipe.Writer.WriteAsync(bytes, TestContext.Current.CancellationToken);
            await pipe.Writer.CompleteAsync();
            var reader = new EventStreamReader(pipe.Reader, SmallLimits);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            var read = 0;
            try
            {
                while (await reader.ReadAsync(timeout.Token) is not null)
                {
                    Assert.True(++read <= bytes.Length / EventStreamCodec.MinimumMessageSize, "more messages than the bytes could hold");
                }
            }
            catch (EventStreamException)
            {
                // Typed error: the allowed outcome for corrupt input.
            }
        }
    }

    private static void AssertOnlyTypedOutcomes(byte[] bytes)
    {
        var sequence = new ReadOnlySequence<byte>(bytes);
        var iterations = 0;
        try
        {
            while (EventStreamCodec.TryDecode(ref sequence, out _, SmallLimits))
            {
                Assert.True(++iterations <= bytes.Length / EventStreamCodec.MinimumMessageSize);
            }
        }
        catch (EventStreamException)
        {
        }

        try
        {
            EventStreamCodec.Decode(bytes, SmallLimits);
        }
        catch (EventStreamException)
        {
        }
    }
}
