namespace Orleans.GvmRaft.Tests.Policy;

/// <summary>
/// Tests that use libtorch run one at a time: its thread count and default generator are
/// process-wide, and parallel classes made reproducibility checks flaky.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TorchCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "torch";
}
