using EdgeInference.Anomaly.Training;
using EdgeInference.LookoutVision.Datasets;
using EdgeInference.LookoutVision.Models;
using EdgeInference.LookoutVision.Shapes;
using EdgeInference.LookoutVision.Store;
using EdgeInference.Packaging;
using Xunit;

namespace EdgeInference.LookoutVision.Tests.Models;

/// <summary>CreateModel's refusals and failure paths (no training runs to completion here).</summary>
public sealed class CreateModelRulesTests : IDisposable
{
    private readonly ServiceKit _kit = new();

    public void Dispose() => _kit.Dispose();

    private LookoutVisionService Service => _kit.Service;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private async Task ProjectWithFolderAsync(int normal, int anomalous)
    {
        await Service.CreateProjectAsync("p1", Token);
        for (var i = 0; i < normal; i++)
        {
            _kit.WriteImage($"set/normal/{i}.png", colour: ((byte)i, 100, 100));
        }

        for (var i = 0; i < anomalous; i++)
        {
            _kit.WriteImage($"set/anomaly/{i}.png", colour: (255, (byte)i, 0));
        }

        await Service.CreateDatasetAsync("p1", "train", new DatasetInput { Folder = _kit.Combine("set") }, Token);
    }

    [Fact]
    public async Task CreateModel_NoTrainDataset_Validation()
    {
        await Service.CreateProjectAsync("p1", Token);

        var error = await Assert.ThrowsAsync<PackagingValidationException>(() => Service.CreateModelAsync("p1", new CreateModelRequest(), Token));

        Assert.Contains("has no train dataset", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateModel_TooFewNormalImages_SaysHowManyAndReservesNoVersion()
    {
        await ProjectWithFolderAsync(normal: 6, anomalous: 3);

        var error = await Assert.ThrowsAsync<PackagingValidationException>(() => Service.CreateModelAsync("p1", new CreateModelRequest(), Token));

        Assert.StartsWith("The training dataset has 6 normal images: at least 20", error.Message, StringComparison.Ordinal);
        Assert.Empty(Service.ListModels("p1").Models);
    }

    [Fact]
    public async Task CreateModel_WhileAnotherTrainingOfTheProject_Conflict()
    {
        await ProjectWithFolderAsync(normal: 20, anomalous: 2);
        using var first = await Service.CreateModelAsync("p1", new CreateModelRequest(), Token);

        var error = await Assert.ThrowsAsync<PackagingConflictException>(() => Service.CreateModelAsync("p1", new CreateModelRequest(), Token));

        Assert.Contains("already training", error.Message, StringComparison.Ordinal);
        Assert.Equal(ModelStatus.Training, Service.DescribeModel("p1", "1").Status);
    }

    [Fact]
    public async Task DetectAnomalies_ModelStillTraining_ValidationNamesTheStatus()
    {
        await ProjectWithFolderAsync(normal: 20, anomalous: 2);
        using var training = await Service.CreateModelAsync("p1", new CreateModelRequest(), Token);

        var error = Assert.Throws<PackagingValidationException>(() => Service.DetectAnomalies("p1", "1", File.ReadAllBytes(_kit.Combine("set", "normal", "0.png")), "image/png", Token));

        Assert.Equal("Model 1 of project p1 is TRAINING: only a TRAINED model detects anomalies.", error.Message);
    }

    [Fact]
    public async Task CreateModel_TrainingFails_TrainingFailedWithReasonNoPackageAndDatasetsUnchanged()
    {
        await ProjectWithFolderAsync(normal: 20, anomalous: 2);
        var datasetBefore = File.ReadAllText(Path.Combine(Service.Store.DatasetDirectory("p1", "train"), LookoutStore.ItemsFileName));
        var request = new CreateModelRequest { Training = new TrainingOptions { BackbonePath = _kit.Combine("missing-backbone.onnx") } };

        using var training = await Service.CreateModelAsync("p1", request, Token);
        var record = await training.RunAsync(cancellationToken: Token);

        Assert.Equal(ModelStatus.TrainingFailed, record.Description.Status);
        Assert.Contains("missing-backbone.onnx", record.Description.StatusMessage, StringComparison.Ordinal);
        Assert.Equal(ModelStatus.TrainingFailed, Service.DescribeModel("p1", "1").Status);
        Assert.False(File.Exists(Service.Store.Packaging.ModelPackagePath("p1", "1")));
        Assert.Null(Service.Store.Packaging.TryGetModel("p1", "1"));
        Assert.Equal(datasetBefore, File.ReadAllText(Path.Combine(Service.Store.DatasetDirectory("p1", "train"), LookoutStore.ItemsFileName)));
        Assert.Empty(Directory.GetDirectories(Path.Combine(_kit.StoreRoot, ".staging")));
    }

    [Fact]
    public async Task CreateModel_TrainingDisposedUnrun_TrainingFailedAndTheLockIsFree()
    {
        await ProjectWithFolderAsync(normal: 20, anomalous: 2);
        using (await Service.CreateModelAsync("p1", new CreateModelRequest(), Token))
        {
        }

        Assert.Equal(ModelStatus.TrainingFailed, Service.DescribeModel("p1", "1").Status);
        using var second = await Service.CreateModelAsync("p1", new CreateModelRequest(), Token);
        Assert.Equal("2", second.Metadata.ModelVersion);
    }

    [Fact]
    public async Task DescribeModel_TrainingRecordWithoutItsProcess_ReportsTrainingFailed()
    {
        await ProjectWithFolderAsync(normal: 20, anomalous: 2);
        Directory.CreateDirectory(Service.Store.ModelDirectory("p1", "1"));
        Service.Store.WriteTraining("p1", new TrainingRecord
        {
            Description = new ModelDescription { ModelVersion = "1", Status = ModelStatus.Training },
        });

        var description = Service.DescribeModel("p1", "1");

        Assert.Equal(ModelStatus.TrainingFailed, description.Status);
        Assert.Equal("The training process stopped before it finished.", description.StatusMessage);
    }

    [Fact]
    public async Task DescribeModel_UnknownVersion_NotFound()
    {
        await Service.CreateProjectAsync("p1", Token);

        Assert.Throws<PackagingResourceNotFoundException>(() => Service.DescribeModel("p1", "3"));
        Assert.Throws<PackagingValidationException>(() => Service.DescribeModel("p1", "latest"));
    }

    [Fact]
    public async Task DeleteModel_TrainingThenFailed_ConflictThenRemoved()
    {
        await ProjectWithFolderAsync(normal: 20, anomalous: 2);
        var training = await Service.CreateModelAsync("p1", new CreateModelRequest(), Token);

        await Assert.ThrowsAsync<PackagingConflictException>(() => Service.DeleteModelAsync("p1", "1", Token));
        await Assert.ThrowsAsync<PackagingConflictException>(() => Service.DeleteProjectAsync("p1", Token));
        training.Dispose();
        Assert.Equal(LookoutArns.Model("p1", "1"), await Service.DeleteModelAsync("p1", "1", Token));

        Assert.Empty(Service.ListModels("p1").Models);
        Assert.False(Directory.Exists(Service.Store.ModelDirectory("p1", "1")));
        await Service.DeleteProjectAsync("p1", Token);
        Assert.Throws<PackagingResourceNotFoundException>(() => Service.DescribeProject("p1"));
    }

    [Fact]
    public async Task Projects_CreateTwiceListDelete_ServiceShapes()
    {
        await Service.CreateProjectAsync("b-project", Token);
        await Service.CreateProjectAsync("a-project", Token);

        await Assert.ThrowsAsync<PackagingConflictException>(() => Service.CreateProjectAsync("a-project", Token));
        Assert.Equal(["a-project", "b-project"], Service.ListProjects().Projects.Select(p => p.ProjectName));
        Assert.Equal(LookoutArns.Project("a-project"), await Service.DeleteProjectAsync("a-project", Token));
        Assert.Equal(["b-project"], Service.ListProjects().Projects.Select(p => p.ProjectName));
        Assert.Throws<PackagingResourceNotFoundException>(() => Service.DescribeProject("a-project"));
    }
}
