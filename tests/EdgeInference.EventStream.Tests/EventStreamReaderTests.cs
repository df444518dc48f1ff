using System.IO.Pipelines;
using EdgeInference.EventStream.Tests.Golden;
using Xunit;

namespace EdgeInference.EventStream.Tests;

public sealed class EventStreamReaderTests
{
    private static CancellationToken Bounded(TimeSpan? limit = null)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        source.CancelAfter(limit ?? TimeSpan.FromSeconds(10));
        return source.Token;
    }

    private static byte[] SmallGoldenFrames() =>
        GoldenCases.Names.Select(GoldenCases.Get).Where(c => c.Frame.Length < 2048).SelectMany(c => c.Frame).ToArray();

    private static int SmallGoldenCount => GoldenCases.Names.Select(GoldenCases.Get).Count(c => c.Frame.Length < 2048);

    [Fact]
    public async Task ReadAsync_FedOneByteAtATime_YieldsEveryFrame()
    {
        var pipe = new Pipe();
        var bytes = SmallGoldenFrames();
        var token = Bounded();
        var feeding = Task.Run(async () =>
        {
            for (var i = 0; i < bytes.Length; i++)
            {
                await pipe.Writer.WriteAsync(bytes.AsMemory(i, 1), token);
            }

            await pipe.Writer.CompleteAsync();
        }, token);
        var reader = new EventStreamReader(pipe.Reader);

        var messages = new List<EventStreamMessage>();
        await foreach (var message in reader.ReadAllAsync(token))
        {
            messages.Add(message);
        }

        await feeding;
        Assert.Equal(SmallGoldenCount, messages.Count);
        Assert.Equal(bytes, messages.SelectMany(m => EventStreamCodec.Encode(m)).ToArray());
    }

    [Fact]
    public async Task ReadAsync_RandomChunking_YieldsEveryFrameIncludingLargeOnes()
    {
        var pipe = new Pipe();
        var all = GoldenCases.Names.Select(GoldenCases.Get).ToArray();
        var bytes = all.SelectMany(c => c.Frame).ToArray();
        var random = new Random(7);
        var token = Bounded();
        for (var offset = 0; offset < bytes.Length;)
        {
            var size = Math.Min(random.Next(1, 700), bytes.Length - offset);
            await pipe.Writer.WriteAsync(bytes.AsMemory(offset, size), token);
            offset += size;
        }

        await pipe.Writer.CompleteAsync();
        var reader = new EventStreamReader(pipe.Reader);

        foreach (var golden in all)
        {
            var message = await reader.ReadAsync(token);
            Assert.NotNull(message);
            Assert.Equal(golden.Message.Headers, message.Headers);
        }

        Assert.Null(await reader.ReadAsync(token));
    }

    [Fact]
    public async Task ReadAsync_PipeEndsInsideFrame_ThrowsMalformed()
    {
        var pipe = new Pipe();
        var frame = GoldenCases.Get("all-types-with-payload").Frame;
        await pipe.Writer.WriteAsync(frame.AsMemory(0, frame.Length - 1), TestContext.Current.CancellationToken);
        await pipe.Writer.CompleteAsync();

        var error = await Assert.ThrowsAsync<EventStreamMalformedFrameException>(
            async () => await new EventStreamReader(pipe.Reader).ReadAsync(Bounded()));
        Assert.Contains("ended inside a frame", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadAsync_CleanEndBetweenFrames_ReturnsNull()
    {
        var pipe = new Pipe();
        await pipe.Writer.CompleteAsync();

        Assert.Null(await new EventStreamReader(pipe.Reader).ReadAsync(Bounded()));
    }

    [Fact]
    public async Task ReadAsync_OversizedPreludeWhileRestNeverArrives_ThrowsTooLargeWithoutWaiting()
    {
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(Frames.Prelude(64 * 1024 * 1024, 0), TestContext.Current.CancellationToken);
        var reader = new EventStreamReader(pipe.Reader, new EventStreamOptions { MaxMessageSize = 1024 });

        await Assert.ThrowsAsync<EventStreamFrameTooLargeException>(async () => await reader.ReadAsync(Bounded(TimeSpan.FromSeconds(5))));
    }

    [Fact]
    public async Task ReadAsync_CorruptPreludeWhileRestNeverArrives_ThrowsPreludeChecksumWithoutWaiting()
    {
        var pipe = new Pipe();
        var prelude = Frames.Prelude(1000, 0);
        prelude[2] ^= 0x01;
        await pipe.Writer.WriteAsync(prelude, TestContext.Current.CancellationToken);

        await Assert.ThrowsAsync<EventStreamPreludeChecksumException>(
            async () => await new EventStreamReader(pipe.Reader).ReadAsync(Bounded(TimeSpan.FromSeconds(5))));
    }

    [Fact]
    public async Task ReadAsync_TokenCancelledWhileWaiting_ThrowsOperationCanceled()
    {
        var pipe = new Pipe();
        using var source = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await new EventStreamReader(pipe.Reader).ReadAsync(source.Token));
    }

    [Fact]
    public async Task WriteAsync_ManyConcurrentWriters_FramesNeverInterleave()
    {
        var pipe = new Pipe();
        var writer = new EventStreamWriter(pipe.Writer);
        var token = Bounded();
        const int Writers = 8;
        const int PerWriter = 50;

        var writes = Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < PerWriter; i++)
            {
                Assert.True(await writer.WriteAsync(new EventStreamMessage([new("w", w), new("i", i)], new byte[(w * 97) + i]), token));
            }
        }, token)).ToArray();
        var reading = Task.Run(async () =>
        {
            var reader = new EventStreamReader(pipe.Reader);
            var seen = new Dictionary<int, int>();
            for (var n = 0; n < Writers * PerWriter; n++)
            {
                var message = await reader.ReadAsync(token);
                var w = message!.GetHeaderOrNull("w")!.Value.AsInt32();
                var i = message.GetHeaderOrNull("i")!.Value.AsInt32();
                Assert.Equal(seen.GetValueOrDefault(w), i);
                Assert.Equal((w * 97) + i, message.Payload.Length);
                seen[w] = i + 1;
            }

            return seen;
        }, token);

        await Task.WhenAll(writes);
        var counts = await reading;
        Assert.All(counts.Values, count => Assert.Equal(PerWriter, count));
    }

    [Fact]
    public async Task WriteAsync_ReaderCompleted_ReturnsFalse()
    {
        var pipe = new Pipe();
        await pipe.Reader.CompleteAsync();

        Assert.False(await new EventStreamWriter(pipe.Writer).WriteAsync(new EventStreamMessage([]), Bounded()));
    }
}
