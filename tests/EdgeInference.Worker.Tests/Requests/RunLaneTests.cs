using EdgeInference.Core.Inference;
using EdgeInference.Core.Results;
using EdgeInference.Worker.Requests;
using EdgeInference.Worker.Tests.Fakes;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace EdgeInference.Worker.Tests.Requests;

/// <summary>Run lanes: who runs together, when a batching window closes (fake time), and what a failed run answers.</summary>
public sealed class RunLaneTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RunAsync_RequestsArriveWhileARunIsBusy_RunTogetherInTheNextRun()
    {
        using var gate = new SemaphoreSlim(0);
        var engine = new BatchingEngine(maxBatch: 8, gate);
        var lane = new RunLane(engine, maxBatch: 8, maxRuns: 1, TimeSpan.Zero, TimeProvider.System);

        var first = lane.RunAsync(Image(1), Token);
        await engine.RunStarted.WaitAsync(TimeSpan.FromSeconds(10), Token);
        var later = Enumerable.Range(2, 3).Select(i => lane.RunAsync(Image((byte)i), Token)).ToArray();
        gate.Release(2);
        var results = await Task.WhenAll([first, .. later]).WaitAsync(TimeSpan.FromSeconds(10), Token);

        Assert.Equal([1, 3], engine.BatchSizes);
        Assert.Equal([1, 2, 3, 4], results.Select(r => (int)r.Output.Embedding![0]));
        Assert.Equal([1, 3, 3, 3], results.Select(r => r.Output.Timings.BatchSize));
    }

    [Fact]
    public async Task RunAsync_BatchLimit_SplitsWaitingRequestsIntoRunsOfAtMostTheLimit()
    {
        using var gate = new SemaphoreSlim(0);
        var engine = new BatchingEngine(maxBatch: 8, gate);
        var lane = new RunLane(engine, maxBatch: 2, maxRuns: 1, TimeSpan.Zero, TimeProvider.System);

        var first = lane.RunAsync(Image(0), Token);
        await engine.RunStarted.WaitAsync(TimeSpan.FromSeconds(10), Token);
        var later = Enumerable.Range(1, 5).Select(i => lane.RunAsync(Image((byte)i), Token)).ToArray();
        gate.Release(4);
        await Task.WhenAll([first, .. later]).WaitAsync(TimeSpan.FromSeconds(10), Token);

        Assert.Equal([1, 2, 2, 1], engine.BatchSizes);
    }

    [Fact]
    public async Task RunAsync_ModelThatDoesNotBatch_RunsEachAloneWhateverTheLimit()
    {
        var engine = new BatchingEngine(maxBatch: 1);
        var lane = new RunLane(engine, maxBatch: 8, maxRuns: 1, TimeSpan.Zero, TimeProvider.System);

        await Task.WhenAll(Enumerable.Range(0, 5).Select(i => lane.RunAsync(Image((byte)i), Token))).WaitAsync(TimeSpan.FromSeconds(10), Token);

        Assert.Equal(1, lane.MaxBatch);
        Assert.All(engine.BatchSizes, size => Assert.Equal(1, size));
        Assert.Equal(5, engine.BatchSizes.Count);
    }

    [Fact]
    public async Task RunAsync_BatchDelay_WaitsForTheWindowThenRunsWhatArrived()
    {
        var time = new FakeTimeProvider();
        var engine = new BatchingEngine(maxBatch: 8);
        var lane = new RunLane(engine, maxBatch: 8, maxRuns: 1, TimeSpan.FromMilliseconds(20), time);

        var first = lane.RunAsync(Image(1), Token);
        var second = lane.RunAsync(Image(2), Token);
        // Nothing runs before the window closes (fake time: real time passing changes nothing).
        Assert.Empty(engine.BatchSizes);
        time.Advance(TimeSpan.FromMilliseconds(19));
        Assert.Empty(engine.BatchSizes);
        time.Advance(TimeSpan.FromMilliseconds(1));
        await Task.WhenAll(first, second).WaitAsync(TimeSpan.FromSeconds(10), Token);

        Assert.Equal([2], engine.BatchSizes);
    }

    [Fact]
    public async Task RunAsync_BatchFillsBeforeTheWindowCloses_RunsAtOnce()
    {
        var time = new FakeTimeProvider();
        var engine = new BatchingEngine(maxBatch: 8);
        var lane = new RunLane(engine, maxBatch: 3, maxRuns: 1, TimeSpan.FromSeconds(5), time);

        var runs = Enumerable.Range(0, 3).Select(i => lane.RunAsync(Image((byte)i), Token)).ToArray();
        await Task.WhenAll(runs).WaitAsync(TimeSpan.FromSeconds(10), Token);

        Assert.Equal([3], engine.BatchSizes);
    }

    [Fact]
    public async Task RunAsync_TwoRunsAllowed_SecondRequestRunsBesideTheBusyOne()
    {
        using var gate = new SemaphoreSlim(0);
        var engine = new BatchingEngine(maxBatch: 8, gate);
        var lane = new RunLane(engine, maxBatch: 8, maxRuns: 2, TimeSpan.Zero, TimeProvider.System);

        var first = lane.RunAsync(Image(1), Token);
        await engine.RunStarted.WaitAsync(TimeSpan.FromSeconds(10), Token);
        var second = lane.RunAsync(Image(2), Token);
        await WaitUntilAsync(() => engine.Running == 2);
        gate.Release(2);
        await Task.WhenAll(first, second).WaitAsync(TimeSpan.FromSeconds(10), Token);

        Assert.Equal([1, 1], engine.BatchSizes);
    }

    [Fact]
    public async Task RunAsync_RunFails_EveryRequestOfTheBatchGetsTheFailure_AndTheLaneServesOn()
    {
        var engine = new BatchingEngine(maxBatch: 8) { FailNext = true };
        var lane = new RunLane(engine, maxBatch: 8, maxRuns: 1, TimeSpan.Zero, TimeProvider.System);

        var failed = await Assert.ThrowsAsync<InferenceException>(() => lane.RunAsync(Image(1), Token).WaitAsync(TimeSpan.FromSeconds(10), Token));
        var next = await lane.RunAsync(Image(2), Token).WaitAsync(TimeSpan.FromSeconds(10), Token);

        Assert.Equal(ErrorCodes.InternalError, failed.Code);
        Assert.Equal(2, next.Output.Embedding![0]);
    }

    private static PreparedImage Image(byte value) => new(new byte[] { value });

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 2000 && !condition(); i++)
        {
            await Task.Delay(5, Token);
        }

        Assert.True(condition(), "The condition never held.");
    }
}
