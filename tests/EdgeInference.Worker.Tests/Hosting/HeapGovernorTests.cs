using EdgeInference.Worker.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace EdgeInference.Worker.Tests.Hosting;

/// <summary>The governor collects once the heap outgrows its headroom over the last low point, and not otherwise (a fake heap: no real GC).</summary>
public sealed class HeapGovernorTests
{
    private const long MB = 1024 * 1024;

    private sealed class FakeHeap : IManagedHeap
    {
        public long CurrentBytes { get; set; }

        public long AfterCollect { get; set; }

        public int Collections { get; private set; }

        public void CompactingCollect()
        {
            Collections++;
            CurrentBytes = AfterCollect;
        }
    }

    [Fact]
    public void Check_GrowthWithinHeadroom_DoesNotCollect()
    {
        var heap = new FakeHeap { CurrentBytes = 40 * MB };
        var governor = new HeapGovernor(heap, new FakeTimeProvider(), NullLogger<HeapGovernor>.Instance, 24 * MB);

        governor.Check();
        heap.CurrentBytes = 64 * MB;
        var collected = governor.Check();

        Assert.False(collected);
        Assert.Equal(0, heap.Collections);
    }

    [Fact]
    public void Check_GrowthPastHeadroom_CollectsOnceAndTakesTheHeapAfterAsTheNewBaseline()
    {
        var heap = new FakeHeap { CurrentBytes = 40 * MB, AfterCollect = 45 * MB };
        var governor = new HeapGovernor(heap, new FakeTimeProvider(), NullLogger<HeapGovernor>.Instance, 24 * MB);

        governor.Check();
        heap.CurrentBytes = 65 * MB;
        var first = governor.Check();
        heap.CurrentBytes = 60 * MB; // grew 15 MB over the new baseline: within the headroom
        var second = governor.Check();

        Assert.True(first);
        Assert.False(second);
        Assert.Equal(1, heap.Collections);
        Assert.Equal(1, governor.Collections);
    }

    [Fact]
    public void Check_HeapShrankOnItsOwn_GrowthCountsFromTheLowPoint()
    {
        var heap = new FakeHeap { CurrentBytes = 100 * MB, AfterCollect = 30 * MB };
        var governor = new HeapGovernor(heap, new FakeTimeProvider(), NullLogger<HeapGovernor>.Instance, 24 * MB);

        governor.Check();
        heap.CurrentBytes = 30 * MB; // the GC collected by itself
        governor.Check();
        heap.CurrentBytes = 60 * MB;

        Assert.True(governor.Check());
    }
}
