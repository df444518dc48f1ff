using System.IO.Compression;
using EdgeInference.Core.Inference;
using EdgeInference.Core.Packages;
using EdgeInference.Onnx;
using EdgeInference.Packaging.Jobs;
using EdgeInference.Packaging.Store;
using EdgeInference.Testing;
using EdgeInference.Testing.Packaging;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace EdgeInference.Packaging.Tests.Models;

/// <summary>create-model (PackagingService.CreateModelAsync → ModelPackageImporter) applies the worker's package rules, in the worker's words.</summary>
public sealed class PackageRulesTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly PackagingStore _store;
    private readonly PackagingService _service;

    public PackageRulesTests()
    {
        _store = new PackagingStore(_temp.Combine("store"));
        _service = new PackagingService(_store, TimeProvider.System);
    }

    public void Dispose() => _temp.Dispose();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public static TheoryData<string> WorkerRefusedManifests => new(
        SmallPackages.ClassificationManifest.Replace(""", "Labels": ["red", "green", "blue"]""", string.Empty, StringComparison.Ordinal),
        SmallPackages.ClassificationManifest.Replace("""[{"Name": "probabilities", "Role": "Scores"}]""", """[{"Name": "probabilities", "Role": "Scores"}, {"Name": "other", "Role": "Scores"}]""", StringComparison.Ordinal));

    [Theory]
    [MemberData(nameof(WorkerRefusedManifests))]
    public async Task CreateModel_ManifestTheWorkerRefuses_RefusedWithTheWorkersMessage(string manifest)
    {
        var package = SmallPackages.WriteFolder(_temp.Combine("pkg"), manifest: manifest);
        var worker = Assert.Throws<ModelPackageException>(() => OnnxInferenceEngine.Load(new ModelLoadOptions { PackagePath = package, Accelerator = Accelerator.Cpu }, NullLogger.Instance));

        var cli = await Assert.ThrowsAsync<PackagingValidationException>(() => _service.CreateModelAsync("p1", package, null, null, Token));

        Assert.Equal(worker.Message, cli.Message);
        Assert.StartsWith($"The manifest of '{package}' is invalid: ", cli.Message, StringComparison.Ordinal);
        Assert.False(_store.ProjectExists("p1"));
    }

    [Fact]
    public async Task CreateModel_ManifestNotMatchingTheModel_RefusedWithTheWorkersMessage()
    {
        var package = SmallPackages.WriteFolder(_temp.Combine("pkg"), manifest: SmallPackages.ClassificationManifest.Replace("\"Width\": 32", "\"Width\": 64", StringComparison.Ordinal));
        var worker = Assert.Throws<ModelPackageException>(() => OnnxInferenceEngine.Load(new ModelLoadOptions { PackagePath = package, Accelerator = Accelerator.Cpu }, NullLogger.Instance));

        var cli = await Assert.ThrowsAsync<PackagingValidationException>(() => _service.CreateModelAsync("p1", package, null, null, Token));

        Assert.Equal(worker.Message, cli.Message);
        Assert.Contains("does not match its model", cli.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateModel_FileOnnxRuntimeCannotLoad_RefusedNamingTheError()
    {
        var package = SmallPackages.WriteFolder(_temp.Combine("pkg"), model: "not a model at all"u8.ToArray());

        var error = await Assert.ThrowsAsync<PackagingValidationException>(() => _service.CreateModelAsync("p1", package, null, null, Token));

        Assert.Contains($"ONNX Runtime cannot load the model of '{package}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("InvalidProtobuf", error.Message, StringComparison.Ordinal);
        Assert.False(_store.ProjectExists("p1"));
    }

    [Fact]
    public async Task CreateModel_SymlinkOutOfThePackage_RefusedNamingTheLinkAndNothingStored()
    {
        var package = SmallPackages.WriteFolder(_temp.Combine("pkg"));
        var secret = _temp.Combine("id_rsa");
        await File.WriteAllTextAsync(secret, "PRIVATE KEY", Token);
        File.CreateSymbolicLink(Path.Combine(package, "labels.txt"), secret);

        var error = await Assert.ThrowsAsync<PackagingValidationException>(() => _service.CreateModelAsync("p1", package, null, null, Token));

        Assert.Contains("symbolic link 'labels.txt'", error.Message, StringComparison.Ordinal);
        Assert.Contains(PackageErrorCodes.PackagePathOutside, error.Message, StringComparison.Ordinal);
        Assert.False(_store.ProjectExists("p1"));
    }

    [Fact]
    public async Task CreateModel_ZipWithTraversalEntry_RefusedNamingTheEntry()
    {
        var zip = _temp.Combine("evil.zip");
        using (var archive = ZipFile.Open(zip, ZipArchiveMode.Create))
        {
            foreach (var (name, bytes) in new[] { ("manifest.json", System.Text.Encoding.UTF8.GetBytes(SmallPackages.ClassificationManifest)), ("model.onnx", SmallPackages.Model), ("../../evil.sh", "x"u8.ToArray()) })
            {
                using var stream = archive.CreateEntry(name).Open();
                stream.Write(bytes);
            }
        }

        var error = await Assert.ThrowsAsync<PackagingValidationException>(() => _service.CreateModelAsync("p1", zip, null, null, Token));

        Assert.Contains("'../../evil.sh'", error.Message, StringComparison.Ordinal);
        Assert.Contains(PackageErrorCodes.PackagePathOutside, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartJob_StoredPackageTampered_JobFailedNamingTheChecksums()
    {
        var record = await _service.CreateModelAsync("p1", SmallPackages.WriteFolder(_temp.Combine("pkg")), null, null, Token);
        var stored = _store.ModelPackagePath("p1", "1");
        await File.AppendAllTextAsync(stored, "tampered", Token);
        var request = new StartModelPackagingJobRequest
        {
            ProjectName = "p1",
            ModelVersion = "1",
            JobName = "j1",
            Configuration = ConfigurationParser.Parse(SmallPackages.Configuration()),
        };
        await _service.StartJobAsync(request, new JobRunSettings(), Token);

        var job = await new PackagingJobRunner(_store, TimeProvider.System, (_, _) => new FakePublisher()).RunAsync("p1", "j1", Token);

        Assert.Equal(EdgeInference.Core.Packaging.ModelPackagingJobStatus.FAILED, job.Description.Status);
        Assert.Contains($"create-model recorded {record.PackageSha256}", job.Description.StatusMessage, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_store.JobBuildDirectory("p1", "j1")));
    }

    [Fact]
    public async Task StartJob_StoredPackageIntact_Succeeds()
    {
        await _service.CreateModelAsync("p1", SmallPackages.WriteFolder(_temp.Combine("pkg")), null, null, Token);
        await _service.StartJobAsync(new StartModelPackagingJobRequest
        {
            ProjectName = "p1",
            ModelVersion = "1",
            JobName = "j1",
            Configuration = ConfigurationParser.Parse(SmallPackages.Configuration()),
        }, new JobRunSettings(), Token);

        var job = await new PackagingJobRunner(_store, TimeProvider.System, (_, _) => new FakePublisher()).RunAsync("p1", "j1", Token);

        Assert.Equal(EdgeInference.Core.Packaging.ModelPackagingJobStatus.SUCCEEDED, job.Description.Status);
    }
}
