using EdgeInference.Anomaly.Training;
using EdgeInference.LookoutVision.Store;
using EdgeInference.Packaging;
using OpenCvSharp;

namespace EdgeInference.LookoutVision.Models;

/// <summary>A dataset's items as labelled images for training (bytes and masks read from the store when needed).</summary>
internal static class TrainingImages
{
    /// <exception cref="PackagingValidationException">Images without a label (training needs every image labelled).</exception>
    public static IReadOnlyList<LabeledImage> From(LookoutStore store, string project, string datasetType)
    {
        var directory = store.DatasetDirectory(project, datasetType);
        var items = store.ReadItems(project, datasetType);
        var unlabelled = items.Where(i => i.IsAnomalous is null).ToList();
        if (unlabelled.Count > 0)
        {
            throw new PackagingValidationException(
                $"The {datasetType} dataset of project {project} has {unlabelled.Count} unlabelled images (first: {unlabelled[0].SourceRef}): every image needs an anomaly-label to train.");
        }

        return items.Select(item => new LabeledImage(
            item.SourceRef,
            item.IsAnomalous!.Value,
            () => File.ReadAllBytes(Path.Combine(directory, item.Image)),
            item.Mask is null ? null : ReadMask(Path.Combine(directory, item.Mask)))).ToList();
    }

    private static BinaryMask ReadMask(string path)
    {
        using var mask = Cv2.ImRead(path, ImreadModes.Grayscale);
        var (width, height) = (mask.Cols, mask.Rows);
        var pixels = new bool[width * height];
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                pixels[(y * width) + x] = mask.At<byte>(y, x) > 127;
            }
        }

        return new BinaryMask(width, height, pixels);
    }
}
