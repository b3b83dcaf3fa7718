using System.Text.RegularExpressions;
using Orleans.GvmRaft.Silo.Backends;

namespace Orleans.GvmRaft.Tests.Backends;

/// <summary>Container names per service: always valid for Azure, never shared by two service ids.</summary>
public sealed partial class AzureContainerNameTests
{
    // Azure's rule: 3-63 characters, lowercase letters, digits and single hyphens, a letter or digit at each end.
    [GeneratedRegex("^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,62}$")]
    private static partial Regex Valid();

    [Fact]
    public void AnIdThatFitsIsKeptAsItIs()
    {
        Assert.Equal("gvm-state-orleans-gvmraft", AzureContainerName.For(AzureContainerName.GrainState, ClusterDefaults.ServiceId));
        Assert.Equal("gvm-ckpt-svc-1a2b", AzureContainerName.For(AzureContainerName.Checkpoints, "svc-1a2b"));
    }

    [Fact]
    public void IdsThatDifferOnlyInWhatTheRulesForbidGetContainersOfTheirOwn()
    {
        string[] ids =
        [
            "Prod_A", "prod.a", "PROD-A", "prod-a", "___", "", "-x-", "a--b", "a-b",
            new string('s', 80) + "1", new string('s', 80) + "2", "Ünïcode", "svc/with/slashes",
        ];
        var names = ids.Select(id => AzureContainerName.For(AzureContainerName.GrainState, id)).ToList();
        Assert.All(names, n => Assert.Matches(Valid(), n));
        Assert.Equal(ids.Length, names.Distinct().Count());

        // And grain state never lands in a checkpoint container, whatever the ids.
        var checkpoints = ids.Select(id => AzureContainerName.For(AzureContainerName.Checkpoints, id)).ToList();
        Assert.Empty(names.Intersect(checkpoints));
        Assert.NotEqual(AzureContainerName.For(AzureContainerName.GrainState, "ckpt-x"), AzureContainerName.For(AzureContainerName.Checkpoints, "x"));
    }
}
