using System.Runtime;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace EdgeInference.Worker.Hosting;

/// <summary>The managed heap as the governor sees it: the GC itself, or a fake in tests.</summary>
internal interface IManagedHeap
{
    /// <summary>Bytes the managed heap holds now, garbage not yet collected included.</summary>
    long CurrentBytes { get; }

    /// <summary>A blocking full collection that compacts the large object heap too.</summary>
    void CompactingCollect();
}

internal sealed class GcManagedHeap : IManagedHeap
{
    public long CurrentBytes => GC.GetTotalMemory(forceFullCollection: false);

    public void CompactingCollect()
    {
        GCSettings.LargeObjectHeapCompactionMode = GCLargeObjectHeapCompactionMode.CompactOnce;
        // Aggressive: also hands the freed regions back to the OS (a forced collection keeps them committed for reuse).
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
    }
}

/// <summary>
/// Keeps the worker's resident memory near its steady state under a flood. Every request payload (hundreds of KB: the
/// broker's read buffer and its copy, the accepted request's own) is a large object, and large objects are freed only by a full
/// collection, which the GC puts off while the heap is young: a 50-client flood of 400 KB images took the worker from
/// 190 to 737 MB. Every <see cref="Interval"/> this compares the heap with its size after the last collection and,
/// once it has grown by more than the headroom, runs one compacting full collection (BENCHMARKS.md: bench flood).
/// At the sample's 20 requests/s of 230 KB that is one collection every several seconds; idle, none.
/// </summary>
internal sealed partial class HeapGovernor : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    /// <summary>Growth of the managed heap, over its size after the last collection, that triggers one.</summary>
    public const long DefaultHeadroomBytes = 24L * 1024 * 1024;

    private readonly IManagedHeap _heap;
    private readonly TimeProvider _time;
    private readonly ILogger<HeapGovernor> _logger;
    private readonly long _headroom;
    private long _baseline = long.MaxValue;

    public HeapGovernor(IManagedHeap heap, TimeProvider time, ILogger<HeapGovernor> logger)
        : this(heap, time, logger, DefaultHeadroomBytes)
    {
    }

    internal HeapGovernor(IManagedHeap heap, TimeProvider time, ILogger<HeapGovernor> logger, long headroomBytes)
    {
        _heap = heap;
        _time = time;
        _logger = logger;
        _headroom = headroomBytes;
    }

    /// <summary>Collections this governor started.</summary>
    public int Collections { get; private set; }

    /// <summary>One check: collects when the heap grew past the headroom; the lowest size seen is the baseline otherwise.</summary>
    internal bool Check()
    {
        var now = _heap.CurrentBytes;
        if (_baseline != long.MaxValue && now - _baseline > _headroom)
        {
            _heap.CompactingCollect();
            Collections++;
            var after = _heap.CurrentBytes;
            HeapCollected(_logger, now / 1048576, after / 1048576);
            _baseline = after;
            return true;
        }

        _baseline = Math.Min(_baseline, now);
        return false;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                Check();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    [LoggerMessage(EventId = 3401, Level = LogLevel.Debug, Message = "Managed heap grew to {BeforeMB} MB: collected to {AfterMB} MB")]
    private static partial void HeapCollected(ILogger logger, long beforeMB, long afterMB);
}

/// <summary>glibc's allocator settings for a process that decodes images and runs ONNX Runtime on pool threads.</summary>
internal static class NativeMemoryTuning
{
    private const int MArenaMax = -8;

    /// <summary>
    /// At most two malloc arenas unless <c>MALLOC_ARENA_MAX</c> says otherwise: glibc gives each new thread that contends
    /// its own arena (up to 8 per core), and every arena keeps the pages its decodes and runs freed.
    /// </summary>
    public static void LimitMallocArenas()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable("MALLOC_ARENA_MAX") is { Length: > 0 })
        {
            return;
        }

        try
        {
            _ = MallOpt(MArenaMax, 2);
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
        {
            // Not glibc (musl): its allocator has no arenas to limit.
        }
    }

    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int MallOpt(int parameter, int value);
}
