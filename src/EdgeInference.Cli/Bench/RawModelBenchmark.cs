using System.Diagnostics;
using EdgeInference.Onnx;
using EdgeInference.Onnx.Imaging;
using EdgeInference.Onnx.Packages;
using EdgeInference.Onnx.Processing;
using EdgeInference.Onnx.Sessions;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;

namespace EdgeInference.Cli.Bench;

/// <summary>
/// The in-process baseline: JPEG→tensor with the worker's own decoder and preprocessor, and bare
/// <c>session.Run</c> on the same model with the same thread settings — what the worker's overhead is measured against.
/// </summary>
internal static class RawModelBenchmark
{
    /// <param name="parallelRuns">Concurrent session.Run loops: the worker's Limits:MaxConcurrentRequests, so raw capacity is measured at the worker's own settings.</param>
    public static (LatencyStats Decode, LatencyStats Run) Measure(string packagePath, int intraOpThreads, int parallelRuns, byte[] jpeg, TimeSpan duration, int maxIterations)
    {
        var package = ModelPackage.Open(packagePath);
        var manifest = package.Manifest;
        var (session, _) = SessionFactory.Create(package, new OnnxEngineOptions { PackagePath = packagePath, Accelerator = Accelerator.Cpu, IntraOpThreads = intraOpThreads }, NullLogger.Instance);
        using (session)
        {
            var decoder = new ImageDecoder(manifest.Input.Width, manifest.Input.Height, long.MaxValue);
            var preprocessor = new ImagePreprocessor(manifest.Input);
            var tensor = new float[preprocessor.TensorLength];

            var decode = Repeat(duration, maxIterations, () =>
            {
                using var image = decoder.Decode(jpeg);
                preprocessor.Fill(image, tensor);
            });

            using var input = OrtValue.CreateTensorValueFromMemory(tensor, preprocessor.TensorShape);
            var outputNames = manifest.Outputs.Select(o => o.Name).ToArray();
            using var runOptions = new RunOptions();
            var run = Repeat(duration, maxIterations, () =>
            {
                using var outputs = session.Run(runOptions, [manifest.Input.Name], [input], outputNames);
            }, parallelRuns);
            return (decode, run);
        }
    }

    private static LatencyStats Repeat(TimeSpan duration, int maxIterations, Action action, int parallel = 1)
    {
        for (var i = 0; i < 5; i++)
        {
            action();
        }

        var latencies = new List<double>();
        var count = 0;
        var started = Stopwatch.GetTimestamp();
        var loops = Enumerable.Range(0, Math.Max(1, parallel)).Select(_ => new Thread(() =>
        {
            while (Interlocked.Increment(ref count) <= maxIterations && Stopwatch.GetElapsedTime(started) < duration)
            {
                var t = Stopwatch.GetTimestamp();
                action();
                var elapsed = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
                lock (latencies)
                {
                    latencies.Add(elapsed);
                }
            }
        })).ToList();
        loops.ForEach(l => l.Start());
        loops.ForEach(l => l.Join());
        return LatencyStats.From(latencies, Stopwatch.GetElapsedTime(started).TotalSeconds);
    }
}
