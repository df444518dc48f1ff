using System.IO.Hashing;
using System.Text;

namespace EdgeInference.Anomaly.Training;

/// <summary>
/// Which images build the memory bank, which calibrate the threshold and which measure the model. Memory takes normal
/// images only; labelled anomalies of the training set calibrate (with held-out normals for PaDiM, leave-one-image-out
/// scores of the memory images for PatchCore); the test split is never seen before the final measure.
/// </summary>
public sealed record DataSplit(IReadOnlyList<LabeledImage> Memory, IReadOnlyList<LabeledImage> Calibration, IReadOnlyList<LabeledImage> Test, bool TestHeldOut)
{
    public const int MinimumMemoryImages = 5;
    public const int MinimumCalibrationNormals = 2;

    /// <summary>Splits deterministically (by a seeded hash of each source), holding a test split out of <paramref name="train"/> when <paramref name="test"/> is empty.</summary>
    /// <exception cref="AnomalyDataException">Too few normal images; the message says how many are needed.</exception>
    public static DataSplit Create(IReadOnlyList<LabeledImage> train, IReadOnlyList<LabeledImage> test, TrainingOptions options)
    {
        var normals = Shuffle(train.Where(i => !i.IsAnomalous), options.Seed);
        var anomalies = Shuffle(train.Where(i => i.IsAnomalous), options.Seed);
        var holdOut = test.Count == 0;
        var needed = options.MinimumNormalImages * (holdOut ? 2 : 1);
        if (normals.Count < needed)
        {
            var why = holdOut ? $"{needed} when the test split is held out of the training dataset (or give a test dataset and {options.MinimumNormalImages} suffice)" : needed.ToString(System.Globalization.CultureInfo.InvariantCulture);
            throw new AnomalyDataException(normals.Count == 0
                ? $"The training dataset has no normal images: at least {why} are needed."
                : $"The training dataset has {normals.Count} normal images: at least {why} are needed.");
        }

        var testSet = test.ToList();
        if (holdOut)
        {
            var testNormals = Math.Max(1, (int)Math.Round(normals.Count * options.TestFraction));
            var testAnomalies = anomalies.Count >= 2 ? Math.Max(1, (int)Math.Round(anomalies.Count * options.TestFraction)) : 0;
            testSet = [.. normals.Take(testNormals), .. anomalies.Take(testAnomalies)];
            normals = normals.Skip(testNormals).ToList();
            anomalies = anomalies.Skip(testAnomalies).ToList();
        }

        // PatchCore calibrates on leave-one-image-out scores of the memory images: no normal image is held back.
        var calibrationNormals = options.Method == AnomalyMethod.PatchCore
            ? 0
            : Math.Min(Math.Max(MinimumCalibrationNormals, (int)Math.Round(normals.Count * options.CalibrationFraction)), normals.Count - MinimumMemoryImages);
        var calibration = normals.Take(calibrationNormals).Concat(anomalies).ToList();
        var memory = normals.Skip(calibrationNormals).ToList();
        return new DataSplit(memory, calibration, testSet, holdOut);
    }

    private static List<LabeledImage> Shuffle(IEnumerable<LabeledImage> images, int seed) =>
        images.OrderBy(i => XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(i.Source), seed)).ThenBy(i => i.Source, StringComparer.Ordinal).ToList();
}
