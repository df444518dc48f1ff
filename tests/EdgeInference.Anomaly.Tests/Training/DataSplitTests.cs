using EdgeInference.Anomaly.Training;
using Xunit;

namespace EdgeInference.Anomaly.Tests.Training;

public sealed class DataSplitTests
{
    private static List<LabeledImage> Images(int normal, int anomalous) =>
        Enumerable.Range(0, normal).Select(i => new LabeledImage($"n{i}.png", false, () => []))
            .Concat(Enumerable.Range(0, anomalous).Select(i => new LabeledImage($"a{i}.png", true, () => [])))
            .ToList();

    [Fact]
    public void Create_NoNormalImages_SaysHowManyAreNeeded()
    {
        var error = Assert.Throws<AnomalyDataException>(() => DataSplit.Create(Images(0, 12), [], new TrainingOptions()));

        Assert.Equal("The training dataset has no normal images: at least 20 when the test split is held out of the training dataset (or give a test dataset and 10 suffice) are needed.", error.Message);
    }

    [Fact]
    public void Create_TooFewNormalsWithATestDataset_SaysTen()
    {
        var error = Assert.Throws<AnomalyDataException>(() => DataSplit.Create(Images(7, 3), Images(3, 3), new TrainingOptions()));

        Assert.Equal("The training dataset has 7 normal images: at least 10 are needed.", error.Message);
    }

    [Fact]
    public void Create_SingleDatasetPatchCore_HoldsOutATestSplitOfEachClassAndKeepsEveryOtherNormalInMemory()
    {
        var split = DataSplit.Create(Images(30, 10), [], new TrainingOptions());

        Assert.True(split.TestHeldOut);
        Assert.Equal(6, split.Test.Count(i => !i.IsAnomalous));
        Assert.Equal(2, split.Test.Count(i => i.IsAnomalous));
        Assert.Equal(24, split.Memory.Count);
        Assert.All(split.Memory, i => Assert.False(i.IsAnomalous));
        Assert.Equal(8, split.Calibration.Count);
        Assert.All(split.Calibration, i => Assert.True(i.IsAnomalous));
        Assert.Empty(split.Test.Intersect(split.Memory.Concat(split.Calibration)));
    }

    [Fact]
    public void Create_PaDiM_HoldsOutCalibrationNormals()
    {
        var split = DataSplit.Create(Images(30, 10), Images(5, 5), new TrainingOptions { Method = AnomalyMethod.Padim });

        Assert.False(split.TestHeldOut);
        Assert.Equal(6, split.Calibration.Count(i => !i.IsAnomalous));
        Assert.Equal(24, split.Memory.Count);
    }

    [Fact]
    public void Create_SameSeed_SameSplit()
    {
        var images = Images(25, 10);

        Assert.Equal(
            DataSplit.Create(images, [], new TrainingOptions { Seed = 3 }).Test.Select(i => i.Source),
            DataSplit.Create(images, [], new TrainingOptions { Seed = 3 }).Test.Select(i => i.Source));
    }
}
