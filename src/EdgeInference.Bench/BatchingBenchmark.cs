using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using EdgeInference.Core.Inference;
using EdgeInference.Onnx.Imaging;
using EdgeInference.Onnx.Packages;
using EdgeInference.Onnx.Processing;
using Microsoft.ML.OnnxRuntime;

namespace EdgeInference.Bench;

/// <summary>
/// <c>bench-batching</c>: bare ONNX Runtime on the model made batch-dynamic, in the layouts the worker can run —
/// parallel runs sharing the cores (threads per run = cores / runs) or one run at a time with every core, at batch
/// sizes 1..N — alternated round by round so drift hits every layout alike. Images per second is the figure.
/// </summary>
public static class BatchingBenchmark
{
    /// <summary>One layout: intra-op threads per run, runs at once, images per run.</summary>
    /// <param name="StaticBatch">Run a model whose batch dimension is fixed at <paramref name="Batch"/> instead of the symbolic one (shows what the symbolic dimension costs).</param>
    public sealed record Layout(int Threads, int Parallel, int Batch, bool StaticBatch = false)
    {
        public string Name => $"{Parallel}×{Threads}t b{Batch}{(StaticBatch ? " static" : string.Empty)}";
    }

    public static IReadOnlyList<Layout> DefaultLayouts(int cores, int maxBatch)
    {
        // Also two runs at once on one every-core session: each run has every core when alone and shares them under load.
        var layouts = new List<Layout> { new(Math.Max(1, cores / 2), 2, 1), new(cores, 1, 1), new(cores, 2, 1) };
        for (var batch = 2; batch <= maxBatch; batch *= 2)
        {
            layouts.Add(new Layout(cores, 1, batch));
        }

        if (cores >= 2)
        {
            layouts.Add(new Layout(Math.Max(1, cores / 2), 2, Math.Min(4, maxBatch)));
        }

        layouts.Add(new Layout(cores, 1, 1, StaticBatch: true));
        if (maxBatch >= 4)
        {
            layouts.Add(new Layout(cores, 1, 4, StaticBatch: true));
        }

        return [.. layouts.Distinct()];
    }

    public static JsonObject Run(string packagePath, IReadOnlyList<Layout> layouts, TimeSpan perLayoutPerRound, int rounds, CancellationToken cancellationToken = default)
    {
        var package = ModelPackage.Open(packagePath);
        var dynamicModel = BatchDimension.MakeDynamic(package.ReadModelBytes());
        var preprocessor = new ImagePreprocessor(package.Manifest.Input);
        var (decoder, _) = ImageDecoders.Create(ImageDecoderChoice.Auto, FrameSpec.For(package.Manifest.Input), long.MaxValue);
        var frame = new byte[preprocessor.FrameLength];
        var one = new float[preprocessor.TensorLength];
        decoder.Decode(SyntheticImage.PhotoLikeJpeg(), frame);
        preprocessor.Fill(frame, one);

        var load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "n/a";
        var sessions = new Dictionary<(int Threads, int StaticBatch), InferenceSession>();
        var images = layouts.ToDictionary(l => l, _ => 0L);
        var seconds = layouts.ToDictionary(l => l, _ => 0.0);
        var runLatencies = layouts.ToDictionary(l => l, _ => new List<double>());
        try
        {
            foreach (var key in layouts.Select(l => (l.Threads, l.StaticBatch ? l.Batch : 0)).Distinct())
            {
                using var options = new SessionOptions
                {
                    GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
                    ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
                    InterOpNumThreads = 1,
                    IntraOpNumThreads = key.Threads,
                };
                options.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
                sessions[key] = new InferenceSession(key.Item2 == 0 ? dynamicModel : BatchDimension.MakeStatic(package.ReadModelBytes(), key.Item2), options);
            }

            string[] inputNames = [package.Manifest.Input.Name];
            var outputNames = package.Manifest.Outputs.Select(o => o.Name).ToArray();
            for (var round = 0; round < rounds; round++)
            {
                foreach (var layout in layouts)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var session = sessions[(layout.Threads, layout.StaticBatch ? layout.Batch : 0)];
                    var shape = preprocessor.TensorShape.ToArray();
                    shape[0] = layout.Batch;
                    var batchTensor = new float[one.Length * layout.Batch];
                    for (var i = 0; i < layout.Batch; i++)
                    {
                        one.CopyTo(batchTensor, i * one.Length);
                    }

                    using var input = OrtValue.CreateTensorValueFromMemory(batchTensor, shape);
                    using var runOptions = new RunOptions();
                    session.Run(runOptions, inputNames, [input], outputNames).Dispose();
                    var runs = 0L;
                    var started = Stopwatch.GetTimestamp();
                    var workers = Enumerable.Range(0, layout.Parallel).Select(_ => new Thread(() =>
                    {
                        while (Stopwatch.GetElapsedTime(started) < perLayoutPerRound && !cancellationToken.IsCancellationRequested)
                        {
                            var t = Stopwatch.GetTimestamp();
                            session.Run(runOptions, inputNames, [input], outputNames).Dispose();
                            var ms = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
                            Interlocked.Increment(ref runs);
                            lock (runLatencies)
                            {
                                runLatencies[layout].Add(ms);
                            }
                        }
                    })).ToList();
                    workers.ForEach(w => w.Start());
                    workers.ForEach(w => w.Join());
                    seconds[layout] += Stopwatch.GetElapsedTime(started).TotalSeconds;
                    images[layout] += runs * layout.Batch;
                }
            }
        }
        finally
        {
            foreach (var session in sessions.Values)
            {
                session.Dispose();
            }
        }

        var baseline = layouts[0];
        var baselineRate = images[baseline] / seconds[baseline];
        var rows = new JsonArray();
        foreach (var layout in layouts)
        {
            var rate = images[layout] / seconds[layout];
            var sorted = runLatencies[layout].Order().ToList();
            rows.Add(new JsonObject
            {
                ["Layout"] = layout.Name,
                ["Threads"] = layout.Threads,
                ["Parallel"] = layout.Parallel,
                ["Batch"] = layout.Batch,
                ["ImagesPerSecond"] = Math.Round(rate, 1),
                ["RunP50Ms"] = sorted.Count == 0 ? -1 : Math.Round(sorted[sorted.Count / 2], 2),
                ["OverFirst"] = Math.Round(rate / baselineRate, 3),
            });
        }

        return new JsonObject
        {
            ["Model"] = package.Name,
            ["Cores"] = Environment.ProcessorCount,
            ["Rounds"] = rounds,
            ["LoadAverageBefore"] = load,
            ["LoadAverageAfter"] = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "n/a",
            ["Layouts"] = rows,
        };
    }

    public static string Format(JsonObject report)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"model {report["Model"]}  cores {report["Cores"]}  rounds {report["Rounds"]}  load before {report["LoadAverageBefore"]}  after {report["LoadAverageAfter"]}");
        text.AppendLine("layout (runs × threads, batch)   images/s   run p50 ms   × first");
        foreach (var row in report["Layouts"]!.AsArray())
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"{row!["Layout"],-32} {row["ImagesPerSecond"],8}   {row["RunP50Ms"],10}   {row["OverFirst"],7}");
        }

        return text.ToString();
    }
}
