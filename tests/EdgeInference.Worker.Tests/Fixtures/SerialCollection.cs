using Xunit;

namespace EdgeInference.Worker.Tests.Fixtures;

/// <summary>
/// Tests that start processes (the worker, the emulator running recipes, node) run one at a time, never beside each
/// other: on a 2-core machine two of them at once turn start-up waits into flakes.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialCollection
{
    public const string Name = "Process-spawning tests (serial)";
}
