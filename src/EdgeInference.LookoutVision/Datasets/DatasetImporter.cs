using System.Text.Json.Nodes;
using EdgeInference.Core.Inference;
using EdgeInference.LookoutVision.Shapes;
using EdgeInference.LookoutVision.Store;
using EdgeInference.Onnx.Imaging;
using EdgeInference.Packaging;
using EdgeInference.Packaging.Store;
using OpenCvSharp;

namespace EdgeInference.LookoutVision.Datasets;

/// <summary>
/// Imports a dataset in one piece: every line is parsed, every image decoded and every mask checked against its image and
/// colour map before anything becomes visible; the images and binary masks are copied into a staging folder that is
/// renamed into place at the end, so a bad line leaves the project as it was.
/// </summary>
public sealed class DatasetImporter(LookoutStore store, TimeProvider timeProvider, S3Settings? s3)
{
    /// <summary>The pixel limit for dataset images (the worker's default <c>Limits:MaxImagePixels</c>).</summary>
    private const long MaxImagePixels = 40_000_000;

    private static readonly string[] ImageExtensions = [".png", ".jpg", ".jpeg", ".bmp"];

    /// <param name="manifest">The manifest's text (JSON lines).</param>
    /// <param name="manifestName">How messages name the manifest (a path or an s3:// URI).</param>
    /// <param name="imageRoot">Where relative source-refs are (default: the manifest's folder, chosen by the caller).</param>
    public async Task<DatasetRecord> ImportManifestAsync(string project, string datasetType, string manifest, string manifestName, string? imageRoot, CancellationToken cancellationToken = default)
    {
        var lines = new List<ManifestLine>();
        var number = 0;
        foreach (var text in manifest.Split('\n'))
        {
            number++;
            if (!string.IsNullOrWhiteSpace(text))
            {
                lines.Add(ManifestLine.Parse(text.Trim(), number, manifestName));
            }
        }

        if (lines.Count == 0)
        {
            throw new PackagingValidationException($"{manifestName} has no JSON lines.");
        }

        return await ImportAsync(project, datasetType, lines, imageRoot, manifestName, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The console's folder import: images in <c>normal/</c> and <c>anomaly/</c> are labelled by their folder.</summary>
    public Task<DatasetRecord> ImportFolderAsync(string project, string datasetType, string folder, CancellationToken cancellationToken = default)
    {
        var root = Path.GetFullPath(folder);
        var lines = new List<ManifestLine>();
        foreach (var (label, anomalous) in new[] { ("normal", false), ("anomaly", true) })
        {
            var directory = Path.Combine(root, label);
            if (!Directory.Exists(directory))
            {
                continue;
            }

            foreach (var file in Directory.EnumerateFiles(directory).Where(f => ImageExtensions.Contains(Path.GetExtension(f).ToLowerInvariant())).Order(StringComparer.Ordinal))
            {
                var entry = new JsonObject
                {
                    ["source-ref"] = file,
                    ["anomaly-label"] = anomalous ? 1 : 0,
                    ["anomaly-label-metadata"] = new JsonObject { ["class-name"] = label, ["human-annotated"] = "yes", ["type"] = "groundtruth/image-classification" },
                };
                lines.Add(new ManifestLine { LineNumber = lines.Count + 1, SourceRef = file, IsAnomalous = anomalous, ClassName = label, Text = entry.ToJsonString() });
            }
        }

        if (lines.Count == 0)
        {
            throw new PackagingValidationException($"{root} has no images in normal/ or anomaly/ ({string.Join(", ", ImageExtensions)}).");
        }

        return ImportAsync(project, datasetType, lines, root, root, cancellationToken);
    }

    private async Task<DatasetRecord> ImportAsync(string project, string datasetType, IReadOnlyList<ManifestLine> lines, string? imageRoot, string sourceName, CancellationToken cancellationToken)
    {
        var target = store.DatasetDirectory(project, datasetType);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var staging = AtomicFile.CreateStagingDirectory(target);
        try
        {
            Directory.CreateDirectory(Path.Combine(staging, "images"));
            Directory.CreateDirectory(Path.Combine(staging, "masks"));
            var now = timeProvider.GetUtcNow();
            using var reader = new DatasetObjectReader(imageRoot, s3);
            var items = new List<DatasetItem>(lines.Count);
            foreach (var line in lines)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var where = $"{sourceName} line {line.LineNumber}";
                var bytes = await reader.ReadAsync(line.SourceRef, where, cancellationToken).ConfigureAwait(false);
                int width, height;
                try
                {
                    (width, height) = DecodedSize(bytes);
                }
                catch (InferenceException ex)
                {
                    throw new PackagingValidationException($"{where}: the image {line.SourceRef} cannot be decoded: {ex.Message}", ex);
                }

                var stem = items.Count.ToString("D5", System.Globalization.CultureInfo.InvariantCulture);
                var imageName = $"images/{stem}{Extension(line.SourceRef)}";
                await File.WriteAllBytesAsync(Path.Combine(staging, imageName), bytes, cancellationToken).ConfigureAwait(false);
                string? maskName = null;
                if (line.MaskRef is not null)
                {
                    var maskBytes = await reader.ReadAsync(line.MaskRef, where + " (anomaly-mask-ref)", cancellationToken).ConfigureAwait(false);
                    using var binary = MaskReader.ToBinary(maskBytes, line.MaskColors!, width, height, $"{where} ({line.MaskRef})");
                    maskName = $"masks/{stem}.png";
                    Cv2.ImWrite(Path.Combine(staging, maskName), binary);
                }

                items.Add(new DatasetItem
                {
                    SourceRef = line.SourceRef,
                    Image = imageName,
                    IsAnomalous = line.IsAnomalous,
                    ClassName = line.ClassName,
                    Mask = maskName,
                    Entry = line.Text,
                    CreationTimestamp = now,
                });
            }

            var stats = new DatasetImageStats(
                items.Count,
                items.Count(i => i.IsAnomalous is not null),
                items.Count(i => i.IsAnomalous == false),
                items.Count(i => i.IsAnomalous == true));
            var record = new DatasetRecord
            {
                Source = sourceName,
                Description = new DatasetDescription
                {
                    ProjectName = project,
                    DatasetType = datasetType,
                    CreationTimestamp = now,
                    LastUpdatedTimestamp = now,
                    Status = DatasetStatus.CreateComplete,
                    StatusMessage = $"Imported {items.Count} images ({stats.Normal} normal, {stats.Anomaly} anomalous, {items.Count(i => i.Mask is not null)} with masks).",
                    ImageStats = stats,
                },
            };
            StoreJson.Write(Path.Combine(staging, LookoutStore.ItemsFileName), items, LookoutVisionJsonContext.Default.ListDatasetItem);
            StoreJson.Write(Path.Combine(staging, LookoutStore.DatasetFileName), record, LookoutVisionJsonContext.Default.DatasetRecord);
            AtomicFile.PublishDirectory(staging, target);
            return record;
        }
        catch
        {
            AtomicFile.TryDeleteDirectory(staging);
            throw;
        }
    }

    /// <summary>The size of a dataset image, after the worker's header gate and a full decode (the dataset must be trainable).</summary>
    /// <exception cref="InferenceException">Code InvalidImage: refused by the gate or undecodable.</exception>
    private static (int Width, int Height) DecodedSize(byte[] bytes)
    {
        ImageHeaderGate.Check(bytes, MaxImagePixels);
        using var image = Cv2.ImDecode(bytes, ImreadModes.Color);
        return image.Empty()
            ? throw InferenceException.InvalidImage("OpenCV could not decode it (corrupt or truncated data).")
            : (image.Cols, image.Rows);
    }

    private static string Extension(string reference)
    {
        var extension = Path.GetExtension(reference.Split('?')[0]).ToLowerInvariant();
        return extension is { Length: > 1 and <= 5 } && extension.Skip(1).All(char.IsAsciiLetterOrDigit) ? extension : ".img";
    }
}
