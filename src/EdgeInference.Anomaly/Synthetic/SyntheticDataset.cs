using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using OpenCvSharp;

namespace EdgeInference.Anomaly.Synthetic;

/// <summary>
/// Writes a labelled dataset of <see cref="SyntheticPartImages"/> in both forms Lookout for Vision imported: folders
/// <c>normal/</c> and <c>anomaly/</c>, and a SageMaker Ground Truth manifest (<c>manifest.jsonl</c>, relative
/// <c>source-ref</c>s) whose anomalous lines carry a segmentation mask (<c>masks/</c>) and its <c>internal-color-map</c>.
/// </summary>
public static class SyntheticDataset
{
    public const string ManifestFileName = "manifest.jsonl";

    /// <summary>Writes the dataset (see <see cref="SyntheticPartImages"/> for <c>placement</c>) into <paramref name="directory"/>; anomalies cycle through the three defects. Returns the manifest path.</summary>
    public static string Write(string directory, int normalCount, int anomalousCount, int seed = 7, int width = 160, int height = 120, float placement = 1f)
    {
        var generator = new SyntheticPartImages(width, height, seed, placement);
        foreach (var folder in new[] { "normal", "anomaly", "masks" })
        {
            Directory.CreateDirectory(Path.Combine(directory, folder));
        }

        var manifest = new StringBuilder();
        for (var i = 0; i < normalCount; i++)
        {
            var (image, mask) = generator.Draw(i, null);
            using (image)
            using (mask)
            {
                var name = $"normal/{i:D3}.png";
                Cv2.ImWrite(Path.Combine(directory, name), image);
                manifest.AppendLine(Line(name, null, null).ToJsonString());
            }
        }

        var defects = Enum.GetValues<SyntheticDefect>();
        for (var i = 0; i < anomalousCount; i++)
        {
            var defect = defects[i % defects.Length];
            var (image, mask) = generator.Draw(10_000 + i, defect);
            using (image)
            using (mask)
            {
                var name = $"anomaly/{i:D3}.png";
                var maskName = $"masks/{i:D3}.png";
                Cv2.ImWrite(Path.Combine(directory, name), image);
                using var coloured = new Mat(mask.Rows, mask.Cols, MatType.CV_8UC3, Scalar.All(255));
                coloured.SetTo(Bgr(defect.HexColor()), mask);
                Cv2.ImWrite(Path.Combine(directory, maskName), coloured);
                manifest.AppendLine(Line(name, maskName, defect).ToJsonString());
            }
        }

        var path = Path.Combine(directory, ManifestFileName);
        File.WriteAllText(path, manifest.ToString());
        return path;
    }

    private static JsonObject Line(string source, string? mask, SyntheticDefect? defect)
    {
        const string Created = "2026-01-01T00:00:00.000000";
        var line = new JsonObject
        {
            ["source-ref"] = source,
            ["anomaly-label"] = defect is null ? 0 : 1,
            ["anomaly-label-metadata"] = new JsonObject
            {
                ["class-name"] = defect is null ? "normal" : "anomaly",
                ["confidence"] = 1,
                ["creation-date"] = Created,
                ["human-annotated"] = "yes",
                ["job-name"] = "labeling-job/synthetic-parts",
                ["type"] = "groundtruth/image-classification",
            },
        };
        if (mask is not null && defect is { } kind)
        {
            line["anomaly-mask-ref"] = mask;
            line["anomaly-mask-ref-metadata"] = new JsonObject
            {
                ["internal-color-map"] = new JsonObject
                {
                    ["0"] = new JsonObject { ["class-name"] = SyntheticDefectNames.BackgroundClass, ["hex-color"] = SyntheticDefectNames.BackgroundColor, ["confidence"] = 0.0 },
                    ["1"] = new JsonObject { ["class-name"] = kind.ClassName(), ["hex-color"] = kind.HexColor(), ["confidence"] = 0.0 },
                },
                ["type"] = "groundtruth/semantic-segmentation",
                ["human-annotated"] = "yes",
                ["creation-date"] = Created,
                ["job-name"] = "labeling-job/synthetic-parts",
            };
        }

        return line;
    }

    /// <summary><c>#RRGGBB</c> as an OpenCV BGR scalar.</summary>
    public static Scalar Bgr(string hex)
    {
        var rgb = int.Parse(hex.AsSpan(1), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        return new Scalar(rgb & 0xFF, (rgb >> 8) & 0xFF, (rgb >> 16) & 0xFF);
    }
}
