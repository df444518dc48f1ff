using System.Text.Json.Nodes;
using EdgeInference.Core.Inference;
using EdgeInference.Worker.Greengrass;
using EdgeInference.Worker.Models;
using EdgeInference.Worker.Models.Repository;
using EdgeInference.Worker.Options;
using EdgeInference.Worker.Status;
using EdgeInference.Worker.Tests.Fakes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Xunit;
using MsOptions = Microsoft.Extensions.Options.Options;

namespace EdgeInference.Worker.Tests.Models;

/// <summary>What the worker serves, decided by <see cref="ModelManager"/>, with a fake engine loader (no ONNX Runtime).</summary>
public sealed class ModelManagerTests : IAsyncLifetime
{
    private readonly string _root = Directory.CreateTempSubdirectory("ei-models-").FullName;
    private readonly FakeEngineLoader _loader = new();
    private readonly FakeComponentSettings _settings = new();
    private readonly ModelCatalog _catalog = new(MsOptions.Create(new ModelsOptions()));
    private readonly List<ModelManager> _managers = [];

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private string Repository => Path.Combine(_root, "repository");

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        foreach (var manager in _managers)
        {
            await manager.DisposeAsync();
        }

        _catalog.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task StartAsync_NothingConfiguredOrRegistered_ServesTheSample()
    {
        await StartAsync(new ModelOptions());

        var served = Assert.Single(_catalog.All);
        Assert.Equal(ModelOrigin.Sample, served.Origin);
        Assert.Equal(ModelOptions.SamplePath, Assert.Single(_loader.Loads).PackagePath);
        Assert.Same(served, _catalog.ResolveDefault(out _, out _));
    }

    [Fact]
    public async Task StartAsync_ConfiguredPackageUnusable_Throws()
    {
        var broken = FakeEngineLoader.Package(_root, "broken-model", broken: true);

        var error = await Assert.ThrowsAsync<ModelPackageException>(() => StartAsync(new ModelOptions { Path = broken }));

        Assert.Contains(broken, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Registration_Arrives_IsServedByName_TheSampleRetires_AndTheRegistrantIsAnswered()
    {
        var manager = await StartAsync(new ModelOptions());
        var registration = Register("com.example.Pcb", "pcb", FakeEngineLoader.Package(_root, "pcb", label: "solder-bridge"), version: "1.2.0");

        await manager.ApplyAsync(Trigger.Repository, Token);

        var served = Assert.Single(_catalog.All);
        Assert.Equal(("pcb", ModelOrigin.Component, "com.example.Pcb", "1.2.0"), (served.Name, served.Origin, served.ComponentName, served.ComponentVersion));
        Assert.Equal(("com.example.Pcb", "1.2.0"), (served.Provenance!.ComponentName, served.Provenance.ComponentVersion));
        var status = new ModelRepository(Repository).ReadStatus("com.example.Pcb")!;
        Assert.Equal((registration.RegistrationId, RegistrationStatus.Loaded), (status.RegistrationId, status.Status));
        Assert.Equal(served.Engine!.Model.Sha256, status.Sha256);
    }

    [Fact]
    public async Task Registration_SameModelNameTwice_TheLaterFailsNamingTheFirst_AndTheFirstKeepsServing()
    {
        var manager = await StartAsync(new ModelOptions());
        Register("com.example.First", "inspect", FakeEngineLoader.Package(_root, "first", label: "first"), at: 1);
        Register("com.example.Second", "inspect", FakeEngineLoader.Package(_root, "second", label: "second"), at: 2);

        await manager.ApplyAsync(Trigger.Repository, Token);

        var served = Assert.Single(_catalog.All);
        Assert.Equal("com.example.First", served.ComponentName);
        var refused = new ModelRepository(Repository).ReadStatus("com.example.Second")!;
        Assert.Equal(RegistrationStatus.Failed, refused.Status);
        Assert.Contains("already served by com.example.First", refused.StatusMessage, StringComparison.Ordinal);
        Assert.Contains(manager.Registrations, r => r.Component == "com.example.Second" && r.Status == RegistrationStatus.Failed);
    }

    [Fact]
    public async Task Registration_Removed_UnloadsTheModel_AndTheRetiredSampleStaysAway()
    {
        var manager = await StartAsync(new ModelOptions());
        Register("com.example.Pcb", "pcb", FakeEngineLoader.Package(_root, "pcb"));
        await manager.ApplyAsync(Trigger.Repository, Token);
        var engine = (FakeEngine)_catalog.Find("pcb")!.Engine!;

        new ModelRepository(Repository).Remove("com.example.Pcb");
        await manager.ApplyAsync(Trigger.Repository, Token);

        Assert.Null(_catalog.Find("pcb"));
        Assert.True(engine.Disposed);
        Assert.Empty(_catalog.All);
        Assert.Empty(manager.Registrations);
        Assert.Single(_loader.Loads, l => l.PackagePath == ModelOptions.SamplePath);
    }

    [Fact]
    public async Task Registration_PackageUnusable_FailsWithTheLoadersReason_ForTheRegistrantAndDescribe()
    {
        var manager = await StartAsync(new ModelOptions());
        Register("com.example.Bad", "bad", FakeEngineLoader.Package(_root, "bad", broken: true));

        await manager.ApplyAsync(Trigger.Repository, Token);

        var status = new ModelRepository(Repository).ReadStatus("com.example.Bad")!;
        Assert.Equal(RegistrationStatus.Failed, status.Status);
        Assert.Contains("fake breakage", status.StatusMessage, StringComparison.Ordinal);
        var served = _catalog.Find("bad")!;
        Assert.Equal(ModelState.Failed, served.State);
        Assert.Equal(status.StatusMessage, served.StatusMessage);
    }

    [Fact]
    public async Task Registration_ComponentNotDeployed_IsRefusedAsStale()
    {
        var manager = await StartAsync(new ModelOptions(), settings: _settings);
        Register("com.example.Gone", "gone", FakeEngineLoader.Package(_root, "gone"), configure: false);

        await manager.ApplyAsync(Trigger.Repository, Token);

        var status = new ModelRepository(Repository).ReadStatus("com.example.Gone")!;
        Assert.Equal(RegistrationStatus.Failed, status.Status);
        Assert.Contains("not deployed", status.StatusMessage, StringComparison.Ordinal);
        Assert.Contains("models unregister", status.StatusMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Registration_ComponentConfiguration_OverridesTheAcceleratorAndSuppliesTheDescriptionAndTheArn()
    {
        var manager = await StartAsync(new ModelOptions { Accelerator = Accelerator.Cpu }, settings: _settings, greengrass: new GreengrassOptions { AccountId = "123456789012", Region = "eu-west-1" });
        _settings.Set("com.example.Pcb", new JsonObject
        {
            ["Model"] = new JsonObject { ["Accelerator"] = "gpu" },
            ["ModelPackagingDescription"] = new JsonObject { ["JobName"] = "job-1", ["ModelVersion"] = "4" },
        });
        Register("com.example.Pcb", "pcb", FakeEngineLoader.Package(_root, "pcb"), version: "4.0.0", configure: false);

        await manager.ApplyAsync(Trigger.Repository, Token);

        var load = _loader.Loads.Last();
        Assert.Equal(Accelerator.Gpu, load.Accelerator);
        Assert.Equal("job-1", load.PackagingDescriptionOverride!.JobName);
        var provenance = _catalog.Find("pcb")!.Provenance!;
        Assert.Equal("arn:aws:greengrass:eu-west-1:123456789012:components:com.example.Pcb:versions:4.0.0", provenance.ComponentVersionArn);
        Assert.Equal("4", provenance.ModelVersion);
        Assert.True(_settings.IsWatched("com.example.Pcb"));
    }

    [Fact]
    public async Task Registration_ComponentConfigurationWithAKeyTypo_FailsNamingTheKey()
    {
        var manager = await StartAsync(new ModelOptions(), settings: _settings);
        _settings.Set("com.example.Pcb", new JsonObject { ["Model"] = new JsonObject { ["Acelerator"] = "gpu" } });
        Register("com.example.Pcb", "pcb", FakeEngineLoader.Package(_root, "pcb"), configure: false);

        await manager.ApplyAsync(Trigger.Repository, Token);

        var status = new ModelRepository(Repository).ReadStatus("com.example.Pcb")!;
        Assert.Equal(RegistrationStatus.Failed, status.Status);
        Assert.Contains("com.example.Pcb:Model:Acelerator", status.StatusMessage, StringComparison.Ordinal);
        Assert.Contains("Accelerator", status.StatusMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ComponentConfigurationChange_ReloadsThatModel_AndRequestsInFlightKeepTheirEngine()
    {
        var manager = await StartAsync(new ModelOptions(), settings: _settings);
        _settings.Set("com.example.Pcb", new JsonObject { ["Model"] = new JsonObject { ["Accelerator"] = "cpu" } });
        Register("com.example.Pcb", "pcb", FakeEngineLoader.Package(_root, "pcb"), configure: false);
        await manager.ApplyAsync(Trigger.Repository, Token);
        var served = _catalog.Find("pcb")!;
        Assert.True(served.TryAcquire(out var inFlight));

        _settings.Set("com.example.Pcb", new JsonObject { ["Model"] = new JsonObject { ["Accelerator"] = "auto" } });
        await manager.ApplyAsync(Trigger.ComponentConfiguration("com.example.Pcb"), Token);

        Assert.Same(served, _catalog.Find("pcb"));
        Assert.Equal(Accelerator.Auto, ((FakeEngine)served.Engine!).Options.Accelerator);
        Assert.False(((FakeEngine)inFlight.Engine).Disposed);
        inFlight.Dispose();
        Assert.True(_loader.Engines.Single(e => e.Options.Accelerator == Accelerator.Cpu && e.Model.Name == "pcb").Disposed);
    }

    [Fact]
    public async Task OwnConfiguration_BadPackage_KeepsTheCurrentModelServing_AndSaysWhy()
    {
        var good = FakeEngineLoader.Package(_root, "good", label: "good");
        var monitor = new TestOptionsMonitor<ModelOptions>(new ModelOptions { Path = good });
        var manager = await StartAsync(monitor);
        var before = _catalog.Find("good")!.Engine;

        var broken = FakeEngineLoader.Package(_root, "broken", broken: true);
        monitor.Set(new ModelOptions { Path = broken });
        await manager.ApplyAsync(Trigger.OwnConfiguration, Token);

        var served = _catalog.Find("good")!;
        Assert.Same(before, served.Engine);
        Assert.Contains($"Model update to '{broken}' failed; still serving the previous model", served.StatusMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OwnConfiguration_EqualValue_DoesNotReload()
    {
        var monitor = new TestOptionsMonitor<ModelOptions>(new ModelOptions { Path = FakeEngineLoader.Package(_root, "same") });
        var manager = await StartAsync(monitor);

        monitor.Set(monitor.CurrentValue with { });
        await manager.ApplyAsync(Trigger.OwnConfiguration, Token);

        Assert.Single(_loader.Loads);
    }

    [Fact]
    public async Task ExplicitModelPath_StaysServedBesideRegistrations_AndItsNameCannotBeTaken()
    {
        var own = FakeEngineLoader.Package(_root, "line-camera");
        var manager = await StartAsync(new ModelOptions { Path = own });
        Register("com.example.Clash", "line-camera", FakeEngineLoader.Package(_root, "clash"));
        Register("com.example.Other", "other", FakeEngineLoader.Package(_root, "other"));

        await manager.ApplyAsync(Trigger.Repository, Token);

        Assert.Equal(["line-camera", "other"], _catalog.All.Select(m => m.Name));
        Assert.Equal(ModelOrigin.Configured, _catalog.Find("line-camera")!.Origin);
        Assert.Contains("the worker's own Model:Path", new ModelRepository(Repository).ReadStatus("com.example.Clash")!.StatusMessage, StringComparison.Ordinal);
        Assert.Null(_catalog.ResolveDefault(out var code, out _));
        Assert.Equal("ModelNotFound", code);
    }

    private ModelRegistration Register(string component, string modelName, string package, string? version = null, int at = 0, bool configure = true)
    {
        if (configure)
        {
            _settings.Set(component, []);
        }

        var registration = new ModelRegistration
        {
            Component = component,
            ComponentVersion = version,
            ModelName = modelName,
            Package = package,
            RegistrationId = Guid.NewGuid().ToString("N"),
            RegisteredAt = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000 + at),
        };
        new ModelRepository(Repository).Write(registration);
        return registration;
    }

    private Task<ModelManager> StartAsync(ModelOptions options, IComponentSettingsSource? settings = null, GreengrassOptions? greengrass = null) =>
        StartAsync(new TestOptionsMonitor<ModelOptions>(options), settings, greengrass);

    private async Task<ModelManager> StartAsync(TestOptionsMonitor<ModelOptions> options, IComponentSettingsSource? settings = null, GreengrassOptions? greengrass = null)
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));
        var greengrassOptions = MsOptions.Create(greengrass ?? new GreengrassOptions());
        var manager = new ModelManager(
            _catalog,
            _loader,
            options,
            new TestOptionsMonitor<PackagingDescriptionOptions>(new PackagingDescriptionOptions()),
            MsOptions.Create(new LimitsOptions()),
            MsOptions.Create(new ModelsOptions { Repository = Repository }),
            greengrassOptions,
            settings ?? _settings,
            new AccountResolver(greengrassOptions, time, NullLogger<AccountResolver>.Instance),
            new WorkerState(time, MsOptions.Create(new WorkerOptions { ThingName = "t" })),
            time,
            NullLogger<ModelManager>.Instance);
        _managers.Add(manager);
        await manager.StartAsync(Token);
        return manager;
    }
}
