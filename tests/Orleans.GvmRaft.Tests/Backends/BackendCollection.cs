namespace Orleans.GvmRaft.Tests.Backends;

/// <summary>Tests that share one throwaway PostgreSQL, one Redis and one Azurite; each uses its own database or service id.</summary>
[CollectionDefinition(Name)]
public sealed class BackendCollection : ICollectionFixture<PostgresServer>, ICollectionFixture<RedisServer>, ICollectionFixture<AzuriteServer>
{
    /// <summary>The collection's name.</summary>
    public const string Name = "backends";
}
