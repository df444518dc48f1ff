using EdgeInference.Core.Inference;
using EdgeInference.Core.Results;
using EdgeInference.Worker.Models;
using EdgeInference.Worker.Tests.Fakes;
using Xunit;

namespace EdgeInference.Worker.Tests.Models;

public sealed class ServedModelTests
{
    private static readonly ModelProvenance Provenance = new() { Sha256 = new string('0', 64) };

    [Fact]
    public void Install_WhileARequestHoldsTheOldEngine_DisposesItOnlyAfterThatRequest()
    {
        using var served = new ServedModel("m", ModelOrigin.Configured);
        var first = Engine("first");
        var second = Engine("second");
        served.Install(first, Provenance);

        Assert.True(served.TryAcquire(out var inFlight));
        served.Install(second, Provenance);

        Assert.Same(second, served.Engine);
        Assert.False(first.Disposed);
        Assert.Equal("first", inFlight.Engine.Model.Name);
        inFlight.Engine.Infer(new byte[] { 1 });
        Assert.True(served.TryAcquire(out var next));
        Assert.Same(second, next.Engine);
        next.Dispose();

        inFlight.Dispose();

        Assert.True(first.Disposed);
        Assert.False(second.Disposed);
    }

    [Fact]
    public async Task Install_UnderConcurrentRequests_EveryRequestRunsOnALiveEngine()
    {
        using var served = new ServedModel("m", ModelOrigin.Configured);
        var engines = Enumerable.Range(0, 20).Select(i => Engine($"e{i}")).ToArray();
        served.Install(engines[0], Provenance);
        var failures = 0;
        var runs = 0;

        var requests = Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 5000; i++)
            {
                Assert.True(served.TryAcquire(out var lease));
                using (lease)
                {
                    try
                    {
                        lease.Engine.Infer(new byte[] { 1 });
                        Interlocked.Increment(ref runs);
                    }
                    catch (ObjectDisposedException)
                    {
                        Interlocked.Increment(ref failures);
                    }
                }
            }
        })).ToArray();
        foreach (var engine in engines.Skip(1))
        {
            served.Install(engine, Provenance);
            await Task.Yield();
        }

        await Task.WhenAll(requests);

        Assert.Equal(0, failures);
        Assert.Equal(4 * 5000, runs);
        Assert.All(engines[..^1], e => Assert.True(e.Disposed, $"{e.Model.Name} was never disposed"));
        Assert.False(engines[^1].Disposed);
    }

    [Fact]
    public void Fail_WithAnEngineServing_KeepsItLoadedWithTheReason_WithoutOne_IsFailed()
    {
        using var serving = new ServedModel("a", ModelOrigin.Component, "com.example.A");
        serving.Install(Engine("a"), Provenance);
        serving.Fail("update failed");
        Assert.Equal((ModelState.Loaded, "update failed"), (serving.State, serving.StatusMessage));

        using var empty = new ServedModel("b", ModelOrigin.Component, "com.example.B");
        empty.Fail("cannot load");
        Assert.Equal((ModelState.Failed, "cannot load"), (empty.State, empty.StatusMessage));
        Assert.False(empty.TryAcquire(out _));
    }

    [Fact]
    public void Dispose_ReleasesTheEngineAfterTheLastLease()
    {
        var engine = Engine("x");
        var served = new ServedModel("x", ModelOrigin.Configured);
        served.Install(engine, Provenance);
        Assert.True(served.TryAcquire(out var lease));

        served.Dispose();

        Assert.False(engine.Disposed);
        Assert.False(served.TryAcquire(out _));
        lease.Dispose();
        Assert.True(engine.Disposed);
    }

    private static FakeEngine Engine(string name) => new(name, new ModelLoadOptions { PackagePath = "/fake/" + name });
}
