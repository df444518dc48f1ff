using EdgeInference.Core.Inference;
using System.Diagnostics;
using EdgeInference.Onnx;
using EdgeInference.Onnx.Imaging;
using EdgeInference.Onnx.Packages;
using EdgeInference.Onnx.Processing;
using EdgeInference.Onnx.Sessions;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.ML.OnnxRuntime;

namespace EdgeInference.Bench;

/// <summary>
/// The in-process baseline: JPEG→tensor with the worker's own decoder and preprocessor, and bare
/// <c>session.Run</c> on the same model with the same thread settings — what the worker's overhead is measured against.
/// </summary>
public sealed class RawModelBenchmark : IDisposable
{
    private readonly InferenceSession _session;
    private readonly ImageDecoder _decoder;
    private readonly ImagePreprocessor _preprocessor;
    private readonly float[] _tensor;
    private readonly byte[] _frame;
    private readonly OrtValue _input;
    private readonly RunOptions _runOptions = new();
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;
    private readonly byte[] _jpeg;

    public RawModelBenchmark(string packagePath, int intraOpThreads, byte[] jpeg)
    {
        var package = ModelPackage.Open(packagePath);
        var manifest = package.Manifest;
        (_session, _) = SessionFactory.Create(package, new ModelLoadOptions { PackagePath = packagePath, Accelerator = Accelerator.Cpu, IntraOpThreads = intraOpThreads }, NullLogger.Instance);
        (_decoder, _) = ImageDecoders.Create(ImageDecoderChoice.Auto, FrameSpec.For(manifest.Input), long.MaxValue);
        _preprocessor = new ImagePreprocessor(manifest.Input);
        _tensor = new float[_preprocessor.TensorLength];
        _frame = new byte[_preprocessor.FrameLength];
        _input = OrtValue.CreateTensorValueFromMemory(_tensor, _preprocessor.TensorShape);
        _inputNames = [manifest.Input.Name];
        _outputNames = manifest.Outputs.Select(o => o.Name).ToArray();
        _jpeg = jpeg;
    }

    /// <summary>Decode + preprocess only.</summary>
    public (List<double> Latencies, double Seconds) DecodeToTensor(TimeSpan duration, int maxIterations) => Repeat(duration, maxIterations, Decode);

    /// <summary>The usual way, for reference: full-size decode, resize, colour conversion, then the same tensor fill.</summary>
    public (List<double> Latencies, double Seconds) NaiveDecodeToTensor(TimeSpan duration, int maxIterations) => Repeat(duration, maxIterations, () =>
    {
        using var full = OpenCvSharp.Cv2.ImDecode(_jpeg, OpenCvSharp.ImreadModes.Color);
        using var resized = new OpenCvSharp.Mat();
        OpenCvSharp.Cv2.Resize(full, resized, new OpenCvSharp.Size(_preprocessor.Width, _preprocessor.Height), 0, 0, OpenCvSharp.InterpolationFlags.Linear);
        using var rgb = new OpenCvSharp.Mat();
        OpenCvSharp.Cv2.CvtColor(resized, rgb, OpenCvSharp.ColorConversionCodes.BGR2RGB);
        System.Runtime.InteropServices.Marshal.Copy(rgb.Data, _frame, 0, _frame.Length);
        _preprocessor.Fill(_frame, _tensor);
    });

    /// <summary>session.Run on a ready tensor from <paramref name="parallel"/> threads (the worker's MaxConcurrentRequests).</summary>
    public (List<double> Latencies, double Seconds) Run(TimeSpan duration, int maxIterations, int parallel) => Repeat(duration, maxIterations, RunOnce, parallel);

    /// <summary>What a bare application does per image, one after another: the baseline for the worker's unloaded latency.</summary>
    public (List<double> Latencies, double Seconds) DecodeAndRun(TimeSpan duration, int maxIterations) => Repeat(duration, maxIterations, () =>
    {
        Decode();
        RunOnce();
    });

    /// <summary>
    /// What a bare application does at its best concurrency: decode + preprocess + run per image from
    /// <paramref name="parallel"/> threads at once (each with its own buffers, one shared session) — the capacity the
    /// worker's loaded throughput is held to.
    /// </summary>
    public (List<double> Latencies, double Seconds) DecodeAndRunParallel(TimeSpan duration, int maxIterations, int parallel)
    {
        using var lane = new ThreadLocal<ParallelLane>(() => new ParallelLane(_preprocessor), trackAllValues: true);
        try
        {
            return Repeat(duration, maxIterations, () =>
            {
                var own = lane.Value!;
                _decoder.Decode(_jpeg, own.Frame);
                _preprocessor.Fill(own.Frame, own.Tensor);
                using var outputs = _session.Run(_runOptions, _inputNames, [own.Input], _outputNames);
            }, parallel);
        }
        finally
        {
            foreach (var created in lane.Values)
            {
                created.Input.Dispose();
            }
        }
    }

    public void Dispose()
    {
        _input.Dispose();
        _runOptions.Dispose();
        _session.Dispose();
    }

    private void Decode()
    {
        _decoder.Decode(_jpeg, _frame);
        _preprocessor.Fill(_frame, _tensor);
    }

    private void RunOnce()
    {
        using var outputs = _session.Run(_runOptions, _inputNames, [_input], _outputNames);
    }

    private sealed class ParallelLane
    {
        public ParallelLane(ImagePreprocessor preprocessor)
        {
            Frame = new byte[preprocessor.FrameLength];
            Tensor = new float[preprocessor.TensorLength];
            Input = OrtValue.CreateTensorValueFromMemory(Tensor, preprocessor.TensorShape);
        }

        public byte[] Frame { get; }

        public float[] Tensor { get; }

        public OrtValue Input { get; }
    }

    private static (List<double> Latencies, double Seconds) Repeat(TimeSpan duration, int maxIterations, Action action, int parallel = 1)
    {
        for (var i = 0; i < 3; i++)
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
        return (latencies, Stopwatch.GetElapsedTime(started).TotalSeconds);
    }
}
