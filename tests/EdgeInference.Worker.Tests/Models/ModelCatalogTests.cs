using EdgeInference.Core.Inference;
using EdgeInference.Core.Results;
using EdgeInference.Worker.Models;
using EdgeInference.Worker.Options;
using EdgeInference.Worker.Tests.Fakes;
using Xunit;

namespace EdgeInference.Worker.Tests.Models;

public sealed class ModelCatalogTests
{
    private static readonly ModelProvenance Provenance = new() { Sha256 = new string('0', 64) };

    [Fact]
    public void Put_ReplacingAModelOfAnotherName_SwapsInOneStepAndDisposesTheOld()
    {
        using var catalog = new ModelCatalog(Microsoft.Extensions.Options.Options.Create(new ModelsOptions()));
        var oldEngine = new FakeEngine("colors", new ModelLoadOptions { PackagePath = "/fake/colors" });
        var old = Served("colors", oldEngine);
        catalog.Put(old);

        catalog.Put(Served("grey", new FakeEngine("grey", new ModelLoadOptions { PackagePath = "/fake/grey" })), replacing: "colors");

        Assert.Null(catalog.Find("colors"));
        Assert.Equal("grey", Assert.Single(catalog.All).Name);
        Assert.Equal("grey", catalog.ResolveDefault(out _, out _)?.Name);
        Assert.False(old.TryAcquire(out _));
        Assert.True(oldEngine.Disposed);
    }

    private static ServedModel Served(string name, FakeEngine engine)
    {
        var served = new ServedModel(name, ModelOrigin.Configured);
        served.Install(engine, Provenance);
        return served;
    }
}
