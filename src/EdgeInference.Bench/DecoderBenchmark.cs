using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using EdgeInference.Core.Manifest;
using EdgeInference.Onnx.Imaging;

namespace EdgeInference.Bench;

/// <summary>
/// <c>bench-decoders</c>: decode + fit to the model frame per image with each decoder (OpenCV, libvips), side by side in
/// one run on a smooth and a noisy 1280×960 JPEG; the decoders alternate round by round so drift of the machine hits
/// both alike. Also reports how far apart their frames are, and the load average before and after (a shared machine).
/// </summary>
public static class DecoderBenchmark
{
    public static JsonObject Run(int width, int height, int rounds, int iterationsPerRound, CancellationToken cancellationToken = default)
    {
        var frame = new FrameSpec(width, height, ResizeMode.Stretch);
        var decoders = new ImageDecoder[] { new OpenCvImageDecoder(frame, long.MaxValue), new VipsImageDecoder(frame, long.MaxValue) };
        var images = new (string Name, byte[] Jpeg)[] { ("smooth", SyntheticImage.PhotoLikeJpeg()), ("noisy", SyntheticImage.NoisyJpeg()) };
        var report = new JsonObject
        {
            ["Frame"] = $"{width}×{height}",
            ["Rounds"] = rounds,
            ["IterationsPerRound"] = iterationsPerRound,
            ["LoadAverageBefore"] = LoadAverage(),
            ["Decoders"] = new JsonObject(decoders.Select(d => KeyValuePair.Create(d.Name, (JsonNode?)d.Library))),
        };
        var results = new JsonArray();
        foreach (var (name, jpeg) in images)
        {
            var samples = decoders.ToDictionary(d => d.Name, _ => new List<double>());
            var buffer = new byte[frame.ByteLength];
            foreach (var decoder in decoders)
            {
                for (var i = 0; i < 5; i++)
                {
                    decoder.Decode(jpeg, buffer);
                }
            }

            for (var round = 0; round < rounds; round++)
            {
                foreach (var decoder in round % 2 == 0 ? decoders : decoders.Reverse())
                {
                    for (var i = 0; i < iterationsPerRound; i++)
                    {
                        cancellationToken.ThrowIfCancellationRequested();
                        var started = Stopwatch.GetTimestamp();
                        decoder.Decode(jpeg, buffer);
                        samples[decoder.Name].Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                    }
                }
            }

            var (meanDifference, maxDifference) = FrameDifference(decoders[0], decoders[1], jpeg);
            var entry = new JsonObject
            {
                ["Image"] = name,
                ["Bytes"] = jpeg.Length,
                ["MeanAbsDifference"] = Math.Round(meanDifference, 3),
                ["MaxAbsDifference"] = maxDifference,
            };
            foreach (var (decoder, latencies) in samples)
            {
                var stats = LatencyStats.From(latencies, latencies.Sum() / 1000);
                entry[decoder] = new JsonObject { ["Count"] = stats.Count, ["P50Ms"] = Math.Round(stats.P50Ms, 2), ["P99Ms"] = Math.Round(stats.P99Ms, 2), ["MeanMs"] = Math.Round(stats.MeanMs, 2) };
            }

            entry["VipsOverOpenCvP50"] = Math.Round(entry["vips"]!["P50Ms"]!.GetValue<double>() / entry["opencv"]!["P50Ms"]!.GetValue<double>(), 3);
            results.Add(entry);
        }

        report["Images"] = results;
        report["LoadAverageAfter"] = LoadAverage();
        return report;
    }

    public static string Format(JsonObject report)
    {
        var lines = new List<string>
        {
            $"frame {report["Frame"]}  rounds {report["Rounds"]} × {report["IterationsPerRound"]}  opencv = {report["Decoders"]!["opencv"]}, vips = {report["Decoders"]!["vips"]}",
            $"load average before: {report["LoadAverageBefore"]}   after: {report["LoadAverageAfter"]}",
            string.Empty,
            $"{"image",-10}{"bytes",10}{"opencv p50",12}{"p99",8}{"vips p50",12}{"p99",8}{"vips/opencv",13}{"mean |Δ|",10}{"max |Δ|",9}",
        };
        static double D(JsonNode? node) => node?.GetValue<double>() ?? double.NaN;
        foreach (var image in report["Images"]!.AsArray())
        {
            var o = image!["opencv"]!;
            var v = image["vips"]!;
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"{image["Image"],-10}{image["Bytes"],10}{D(o["P50Ms"]),12:F2}{D(o["P99Ms"]),8:F2}{D(v["P50Ms"]),12:F2}{D(v["P99Ms"]),8:F2}{D(image["VipsOverOpenCvP50"]),13:F3}{D(image["MeanAbsDifference"]),10:F3}{image["MaxAbsDifference"],9}"));
        }

        lines.Add(string.Empty);
        lines.Add("ms per image: decode + fit to the frame (packed RGB); |Δ| in 0–255 pixel levels between the two decoders' frames.");
        return string.Join(Environment.NewLine, lines);
    }

    /// <summary>Mean and largest absolute difference, in pixel levels, between two decoders' frames of one image.</summary>
    public static (double Mean, int Max) FrameDifference(ImageDecoder first, ImageDecoder second, byte[] image)
    {
        var a = new byte[first.Frame.ByteLength];
        var b = new byte[second.Frame.ByteLength];
        first.Decode(image, a);
        second.Decode(image, b);
        long sum = 0;
        var max = 0;
        for (var i = 0; i < a.Length; i++)
        {
            var difference = Math.Abs(a[i] - b[i]);
            sum += difference;
            max = Math.Max(max, difference);
        }

        return ((double)sum / a.Length, max);
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
}
