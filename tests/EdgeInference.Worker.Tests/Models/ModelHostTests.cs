using EdgeInference.Core.Inference;
using EdgeInference.Core.Manifest;
using EdgeInference.Core.Results;
using EdgeInference.Testing;
using EdgeInference.Worker.Models;
using EdgeInference.Worker.Options;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;
using MsOptions = Microsoft.Extensions.Options.Options;

namespace EdgeInference.Worker.Tests.Models;

public sealed class ModelHostTests
{
    [Fact]
    public void Install_WhileARequestHoldsTheOldEngine_DisposesItOnlyAfterThatRequest()
    {
        using var host = CreateHost(TestModels.ColorClassifier);
        var first = new CountingEngine("first");
        var second = new CountingEngine("second");
        host.Install(first, host.Options, null);

        Assert.True(host.TryAcquire(out var inFlight));
        host.Install(second, host.Options, null);

        Assert.Same(second, host.Engine);
        Assert.False(first.Disposed);
        Assert.Equal("first", inFlight.Engine.Model.Name);
        inFlight.Engine.Infer(new byte[] { 1 });
        Assert.True(host.TryAcquire(out var next));
        Assert.Same(second, next.Engine);
        next.Dispose();

        inFlight.Dispose();

        Assert.True(first.Disposed);
        Assert.False(second.Disposed);
    }

    [Fact]
    public async Task Install_UnderConcurrentRequests_EveryRequestRunsOnALiveEngine()
    {
        using var host = CreateHost(TestModels.ColorClassifier);
        var engines = Enumerable.Range(0, 20).Select(i => new CountingEngine($"e{i}")).ToArray();
        host.Install(engines[0], host.Options, null);
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        var failures = 0;
        var runs = 0;

        var requests = Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 5000 && !stop.IsCancellationRequested; i++)
            {
                Assert.True(host.TryAcquire(out var lease));
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
            host.Install(engine, host.Options, null);
            await Task.Delay(2, TestContext.Current.CancellationToken);
        }

        await Task.WhenAll(requests);

        Assert.Equal(0, failures);
        Assert.True(runs > 0);
        Assert.All(engines[..^1], e => Assert.True(e.Disposed, $"{e.Model.Name} was never disposed"));
        Assert.False(engines[^1].Disposed);
    }

    [Fact]
    public void Swap_BadPackage_ThrowsAndTheCurrentModelKeepsServing()
    {
        using var host = CreateHost(TestModels.ColorClassifier);
        host.Load();
        var before = host.Engine!;

        var bad = new ModelOptions { Path = Path.Combine(Path.GetTempPath(), "no-such-package-" + Guid.NewGuid().ToString("N")), Accelerator = "cpu", IntraOpThreads = 1 };
        Assert.ThrowsAny<Exception>(() => host.Swap(bad, null));

        Assert.Same(before, host.Engine);
        Assert.Equal(TestModels.ColorClassifier, host.Options.Path);
        Assert.True(host.TryAcquire(out var lease));
        using (lease)
        {
            Assert.Equal("red", lease.Engine.Infer(TestImages.Solid(16, 16, (250, 0, 0))).Classifications![0].Label);
        }
    }

    private static ModelHost CreateHost(string path) =>
        new(
            MsOptions.Create(new ModelOptions { Path = path, Accelerator = "cpu", IntraOpThreads = 1 }),
            MsOptions.Create(new LimitsOptions()),
            new PackagingDescriptionSource(new ConfigurationBuilder().Build()),
            NullLogger<ModelHost>.Instance);

    private sealed class CountingEngine(string name) : IInferenceEngine
    {
        private volatile bool _disposed;

        public bool Disposed => _disposed;

        public LoadedModelInfo Model { get; } = new()
        {
            PackagePath = "/fake/" + name,
            Name = name,
            Task = ModelTask.Classification,
            Sha256 = new string('0', 64),
            Inputs = [],
            Outputs = [],
            ExecutionProvider = new ExecutionProviderInfo { RequestedAccelerator = "cpu", Active = "CPUExecutionProvider", Available = ["CPUExecutionProvider"] },
        };

        public InferenceOutput Infer(ReadOnlyMemory<byte> encodedImage, CancellationToken cancellationToken = default)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return new InferenceOutput { Timings = new InferenceTimings() };
        }

        public void Dispose() => _disposed = true;
    }
}
