using EdgeInference.Testing;
using EdgeInference.Testing.Aws;
using Xunit;

// One moto for the whole assembly: it takes seconds to start, and each test uses bucket and component names of its own.
[assembly: AssemblyFixture(typeof(MotoServer))]

namespace EdgeInference.Cli.Tests;

/// <summary>Tests that start processes run one at a time, apart from the rest (see <see cref="ProcessTests"/>).</summary>
[CollectionDefinition(ProcessTests.Collection, DisableParallelization = true)]
public sealed class ProcessCollection;
