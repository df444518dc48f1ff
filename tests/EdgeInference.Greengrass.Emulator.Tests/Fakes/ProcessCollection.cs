using Xunit;

namespace EdgeInference.Greengrass.Emulator.Tests.Fakes;

/// <summary>Tests that start processes run one class at a time, so they stay deterministic on a loaded machine.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessCollection
{
    public const string Name = "Processes";
}
