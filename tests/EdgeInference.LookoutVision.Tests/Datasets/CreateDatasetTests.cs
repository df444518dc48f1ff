using EdgeInference.LookoutVision.Datasets;
using EdgeInference.LookoutVision.Shapes;
using EdgeInference.Packaging;
using Xunit;

namespace EdgeInference.LookoutVision.Tests.Datasets;

/// <summary>CreateDataset's checks: each bad input gives the service's error naming the line, file or rule, and nothing is kept.</summary>
public sealed class CreateDatasetTests : IDisposable
{
    private readonly ServiceKit _kit = new();

    public void Dispose() => _kit.Dispose();

    private LookoutVisionService Service => _kit.Service;

    private async Task<Exception> RefusedAsync(params string[] lines)
    {
        await Service.CreateProjectAsync("p1", TestContext.Current.CancellationToken);
        var manifest = _kit.WriteManifest("data/manifest.jsonl", lines);
        var error = await Assert.ThrowsAnyAsync<PackagingException>(() => Service.CreateDatasetAsync("p1", "train", new DatasetInput { ManifestPath = manifest }, TestContext.Current.CancellationToken));
        Assert.Null(Service.Store.TryGetDataset("p1", "train"));
        Assert.False(Directory.Exists(Service.Store.DatasetDirectory("p1", "train")));
        return error;
    }

    [Fact]
    public async Task CreateDataset_LineNotJson_ValidationNamesTheLine()
    {
        _kit.WriteImage("data/a.png");

        var error = await RefusedAsync(ServiceKit.Line("a.png", 0), "{not json");

        Assert.IsType<PackagingValidationException>(error);
        Assert.Contains("manifest.jsonl line 2 is not JSON", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateDataset_MissingImage_NamesTheLineAndFile()
    {
        var error = await RefusedAsync(ServiceKit.Line("gone.png", 0));

        Assert.Contains("line 1: the image file", error.Message, StringComparison.Ordinal);
        Assert.Contains("gone.png does not exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateDataset_UndecodableImage_NamesIt()
    {
        Directory.CreateDirectory(_kit.Combine("data"));
        File.WriteAllText(_kit.Combine("data", "text.png"), "plain text");

        var error = await RefusedAsync(ServiceKit.Line("text.png", 1));

        Assert.Contains("line 1: the image text.png cannot be decoded", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateDataset_MaskOfAnotherSize_SaysBothSizes()
    {
        _kit.WriteImage("data/a.png", 32, 24);
        _kit.WriteImage("data/m.png", 16, 24, (255, 255, 255));

        var error = await RefusedAsync(ServiceKit.Line("a.png", 1, "m.png"));

        Assert.Contains("the mask is 16×24 but its image is 32×24", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateDataset_MaskColourNotInTheColourMap_NamesTheColour()
    {
        _kit.WriteImage("data/a.png", 32, 24);
        _kit.WriteImage("data/m.png", 32, 24, (0, 0, 255));

        var error = await RefusedAsync(ServiceKit.Line("a.png", 1, "m.png"));

        Assert.Contains("pixel (0, 0) of the mask has colour #ff0000, which is not in its internal-color-map", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateDataset_LabelNotZeroOrOne_NamesTheRule()
    {
        _kit.WriteImage("data/a.png");

        var error = await RefusedAsync("""{"source-ref": "a.png", "anomaly-label": 2}""");

        Assert.Contains("line 1: \"anomaly-label\" is 2; 0 (normal) or 1 (anomaly) is needed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateDataset_ValidManifestWithMask_CopiesImagesDescribesAndListsEntries()
    {
        await Service.CreateProjectAsync("p1", TestContext.Current.CancellationToken);
        _kit.WriteImage("data/n.png");
        _kit.WriteImage("data/a.png");
        _kit.WriteImage("data/u.png");
        var mask = _kit.WriteImage("data/m.png", colour: (255, 255, 255));
        using (var painted = OpenCvSharp.Cv2.ImRead(mask))
        {
            painted.Set(3, 4, new OpenCvSharp.Vec3b(0x2c, 0xa0, 0x2c));
            OpenCvSharp.Cv2.ImWrite(mask, painted);
        }

        var manifest = _kit.WriteManifest("data/manifest.jsonl", ServiceKit.Line("n.png", 0), ServiceKit.Line("a.png", 1, "m.png"), ServiceKit.Line("u.png", null));

        var metadata = await Service.CreateDatasetAsync("p1", "train", new DatasetInput { ManifestPath = manifest }, TestContext.Current.CancellationToken);

        Assert.Equal(DatasetStatus.CreateComplete, metadata.Status);
        Assert.Equal(new DatasetImageStats(Total: 3, Labeled: 2, Normal: 1, Anomaly: 1), Service.DescribeDataset("p1", "train").ImageStats);
        var items = Service.Store.ReadItems("p1", "train");
        Assert.All(items, i => Assert.True(File.Exists(Path.Combine(Service.Store.DatasetDirectory("p1", "train"), i.Image))));
        Assert.NotNull(items[1].Mask);
        Assert.Equal(["n.png", "a.png", "u.png"], Service.ListDatasetEntries("p1", "train", new DatasetEntryFilter()).DatasetEntries.Select(e => System.Text.Json.Nodes.JsonNode.Parse(e)!["source-ref"]!.GetValue<string>()));
        Assert.Single(Service.ListDatasetEntries("p1", "train", new DatasetEntryFilter { AnomalyClass = "anomaly" }).DatasetEntries);
        Assert.Single(Service.ListDatasetEntries("p1", "train", new DatasetEntryFilter { Labeled = false }).DatasetEntries);
        var page = Service.ListDatasetEntries("p1", "train", new DatasetEntryFilter(), maxResults: 2);
        Assert.Equal(2, page.DatasetEntries.Count);
        Assert.Single(Service.ListDatasetEntries("p1", "train", new DatasetEntryFilter(), maxResults: 2, nextToken: page.NextToken).DatasetEntries);
        Assert.Equal("train", Assert.Single(Service.DescribeProject("p1").Datasets).DatasetType);
    }

    [Fact]
    public async Task CreateDataset_Folder_LabelsImagesByTheirFolder()
    {
        await Service.CreateProjectAsync("p1", TestContext.Current.CancellationToken);
        _kit.WriteImage("set/normal/1.png");
        _kit.WriteImage("set/normal/2.jpg");
        _kit.WriteImage("set/anomaly/3.png");

        await Service.CreateDatasetAsync("p1", "test", new DatasetInput { Folder = _kit.Combine("set") }, TestContext.Current.CancellationToken);

        Assert.Equal(new DatasetImageStats(3, 3, 2, 1), Service.DescribeDataset("p1", "test").ImageStats);
    }

    [Fact]
    public async Task CreateDataset_SameTypeTwice_Conflict()
    {
        await Service.CreateProjectAsync("p1", TestContext.Current.CancellationToken);
        _kit.WriteImage("set/normal/1.png");
        await Service.CreateDatasetAsync("p1", "train", new DatasetInput { Folder = _kit.Combine("set") }, TestContext.Current.CancellationToken);

        await Assert.ThrowsAsync<PackagingConflictException>(() => Service.CreateDatasetAsync("p1", "train", new DatasetInput { Folder = _kit.Combine("set") }, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task CreateDataset_UnknownProjectOrType_NotFoundOrValidation()
    {
        await Assert.ThrowsAsync<PackagingResourceNotFoundException>(() => Service.CreateDatasetAsync("nope", "train", new DatasetInput { Folder = "x" }, TestContext.Current.CancellationToken));
        await Service.CreateProjectAsync("p1", TestContext.Current.CancellationToken);
        var error = await Assert.ThrowsAsync<PackagingValidationException>(() => Service.CreateDatasetAsync("p1", "validation", new DatasetInput { Folder = "x" }, TestContext.Current.CancellationToken));
        Assert.Contains("'train' or 'test'", error.Message, StringComparison.Ordinal);
    }
}
