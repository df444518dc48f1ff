using System.Text.Json.Nodes;
using EdgeInference.Onnx;
using EdgeInference.Packaging.Store;
using EdgeInference.Testing.Packaging;
using Microsoft.Extensions.Logging.Abstractions;
using OpenCvSharp;

namespace EdgeInference.LookoutVision.Tests;

/// <summary>A service over a fresh temp store, and small hand-made manifests and images.</summary>
internal sealed class ServiceKit : IDisposable
{
    private readonly TempDirectory _temp = new();

    public ServiceKit()
    {
        Service = new LookoutVisionService(new PackagingStore(_temp.Combine("store")), new LookoutVisionDependencies
        {
            TimeProvider = Time,
            EngineLoader = new OnnxEngineLoader(NullLogger<OnnxEngineLoader>.Instance),
        });
    }

    public ManualTimeProvider Time { get; } = new(new DateTimeOffset(2026, 1, 5, 8, 0, 0, TimeSpan.Zero));

    public LookoutVisionService Service { get; }

    public string StoreRoot => _temp.Combine("store");

    public string Combine(params string[] parts) => _temp.Combine(parts);

    public void Dispose()
    {
        Service.Dispose();
        _temp.Dispose();
    }

    /// <summary>A PNG of the given size (BGR colour) written under the temp folder; returns its path.</summary>
    public string WriteImage(string relative, int width = 32, int height = 24, (byte B, byte G, byte R) colour = default)
    {
        var path = _temp.Combine(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var image = new Mat(height, width, MatType.CV_8UC3, new Scalar(colour.B, colour.G, colour.R));
        Cv2.ImWrite(path, image);
        return path;
    }

    public string WriteManifest(string relative, params string[] lines)
    {
        var path = _temp.Combine(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllLines(path, lines);
        return path;
    }

    public static string Line(string source, int? label, string? mask = null, string maskColours = """{"0": {"class-name": "BACKGROUND", "hex-color": "#ffffff"}, "1": {"class-name": "scratch", "hex-color": "#2ca02c"}}""")
    {
        var line = new JsonObject { ["source-ref"] = source };
        if (label is not null)
        {
            line["anomaly-label"] = label;
            line["anomaly-label-metadata"] = new JsonObject { ["class-name"] = label == 1 ? "anomaly" : "normal" };
        }

        if (mask is not null)
        {
            line["anomaly-mask-ref"] = mask;
            line["anomaly-mask-ref-metadata"] = new JsonObject { ["internal-color-map"] = JsonNode.Parse(maskColours) };
        }

        return line.ToJsonString();
    }
}
