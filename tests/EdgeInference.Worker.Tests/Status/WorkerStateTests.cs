using EdgeInference.Core.Results;
using EdgeInference.Worker.Options;
using EdgeInference.Worker.Status;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace EdgeInference.Worker.Tests.Status;

/// <summary>Every status the worker publishes carries a StatusMessage, the first (STARTING) included; changes never race.</summary>
public sealed class WorkerStateTests
{
    [Fact]
    public void Current_BeforeAnyReport_IsStartingWithAStatusMessageThingNameAndTimestamp()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 30, 9, 0, 0, TimeSpan.Zero));

        var state = new WorkerState(time, Microsoft.Extensions.Options.Options.Create(new WorkerOptions { ThingName = "line-7" }));

        Assert.Equal(WorkerStates.Starting, state.Current.Status);
        Assert.Equal(WorkerState.StartingMessage, state.Current.StatusMessage);
        Assert.Equal("line-7", state.Current.ThingName);
        Assert.Equal(time.GetUtcNow(), state.Current.Timestamp);
    }

    [Fact]
    public async Task UpdateAsync_ChangeMeantForRunningAfterStopping_LeavesStoppingAsTheLastStatusPublished()
    {
        var state = new WorkerState(TimeProvider.System, Microsoft.Extensions.Options.Options.Create(new WorkerOptions { ThingName = "line-7" }));
        var publisher = new RecordingPublisher();
        state.AddPublisher(publisher);
        await state.ReportAsync(state.Current with { Status = WorkerStates.Running, StatusMessage = "Serving a." }, TestContext.Current.CancellationToken);

        // A model change computed while RUNNING, applied after STOPPING was said (the race the model manager had).
        await state.ReportAsync(state.Current with { Status = WorkerStates.Stopping, StatusMessage = "Stopping." }, TestContext.Current.CancellationToken);
        await state.UpdateAsync(c => c.Status == WorkerStates.Running ? c with { StatusMessage = "Serving b." } : null, TestContext.Current.CancellationToken);

        Assert.Equal(WorkerStates.Stopping, state.Current.Status);
        Assert.Equal([WorkerStates.Running, WorkerStates.Stopping], publisher.Published.Select(p => p.Status));
    }

    [Fact]
    public async Task UpdateAsync_ConcurrentChanges_PublishedInTheOrderRecorded()
    {
        var state = new WorkerState(TimeProvider.System, Microsoft.Extensions.Options.Options.Create(new WorkerOptions()));
        var publisher = new RecordingPublisher();
        state.AddPublisher(publisher);

        await Task.WhenAll(Enumerable.Range(0, 50).Select(i => Task.Run(() => state.ReportAsync(state.Current with { StatusMessage = $"m{i}" }, TestContext.Current.CancellationToken))));

        Assert.Equal(50, publisher.Published.Count);
        Assert.Equal(state.Current.StatusMessage, publisher.Published[^1].StatusMessage);
    }

    private sealed class RecordingPublisher : IStatusPublisher
    {
        public List<WorkerStatus> Published { get; } = [];

        public async Task PublishStatusAsync(WorkerStatus status, CancellationToken cancellationToken = default)
        {
            await Task.Yield();
            lock (Published)
            {
                Published.Add(status);
            }
        }
    }
}
