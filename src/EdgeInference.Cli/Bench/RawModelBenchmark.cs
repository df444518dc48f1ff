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
    public static (LatencyStats Decode, LatencyStats Run) Measure(string packagePath, int intraOpThreads, byte[] jpeg, TimeSpan duration, int maxIterations)
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
            });
            return (decode, run);
        }
    }

    private static LatencyStats Repeat(TimeSpan duration, int maxIterations, Action action)
    {
        for (var i = 0; i < 5; i++)
        {
            action();
        }

        var latencies = new List<double>();
        var started = Stopwatch.GetTimestamp();
        while (latencies.Count < maxIterations && Stopwatch.GetElapsedTime(started) < duration)
        {
            var t = Stopwatch.GetTimestamp();
            action();
            latencies.Add(Stopwatch.GetElapsedTime(t).TotalMilliseconds);
        }

        return LatencyStats.From(latencies, Stopwatch.GetElapsedTime(started).TotalSeconds);
    }
}
