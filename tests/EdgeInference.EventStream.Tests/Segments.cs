using System.Buffers;

namespace EdgeInference.EventStream.Tests;

/// <summary>Builds multi-segment <see cref="ReadOnlySequence{T}"/>s to exercise chunk boundaries.</summary>
internal static class Segments
{
    /// <summary>Splits <paramref name="data"/> into segments of the given sizes (cycled).</summary>
    public static ReadOnlySequence<byte> Split(byte[] data, params int[] sizes)
    {
        Segment? first = null;
        Segment? last = null;
        var offset = 0;
        for (var i = 0; offset < data.Length; i++)
        {
            var size = Math.Min(sizes[i % sizes.Length], data.Length - offset);
            var memory = new ReadOnlyMemory<byte>(data, offset, size);
            last = last is null ? first = new Segment(memory, 0) : last.Append(memory);
            offset += size;
        }

        return first is null ? ReadOnlySequence<byte>.Empty : new ReadOnlySequence<byte>(first, 0, last!, last!.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
