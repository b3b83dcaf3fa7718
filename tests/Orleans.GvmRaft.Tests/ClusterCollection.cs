namespace Orleans.GvmRaft.Tests;

/// <summary>Tests that share one in-process cluster; each uses its own grain ids.</summary>
[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "cluster";
}
