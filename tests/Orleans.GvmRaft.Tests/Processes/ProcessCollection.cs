using Orleans.GvmRaft.Tests.Backends;

namespace Orleans.GvmRaft.Tests.Processes;

/// <summary>
/// The process-level fault tests: several silo processes each, run alone (not beside other test
/// classes), so that on a small machine failure detection sees faults, not CPU starvation.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessCollection : ICollectionFixture<PostgresServer>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "processes";
}
