using EdgeInference.Testing;
using Xunit;

namespace EdgeInference.Cli.Tests;

/// <summary>Tests that start processes run one at a time, apart from the rest (see <see cref="ProcessTests"/>).</summary>
[CollectionDefinition(ProcessTests.Collection, DisableParallelization = true)]
public sealed class ProcessCollection;
