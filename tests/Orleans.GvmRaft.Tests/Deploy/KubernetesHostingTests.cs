using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Orleans.GvmRaft.Silo;
using Orleans.GvmRaft.Silo.Kubernetes;

namespace Orleans.GvmRaft.Tests.Deploy;

/// <summary>The silo binds Orleans' Kubernetes hosting in a pod, and only there: one binary for a laptop, Docker and a cluster.</summary>
public sealed class KubernetesHostingTests
{
    private static readonly Dictionary<string, string?> Pod = new()
    {
        [PodEnvironment.ApiServerHost] = "10.0.0.1",
        ["POD_NAME"] = "gvm-silo-7d9f8-abcde",
        ["POD_NAMESPACE"] = "gvm",
        ["POD_IP"] = "10.1.2.3",
    };

    [Fact]
    public void APodIsTheApiServerAndThePodsOwnNameNamespaceAndAddress()
    {
        Assert.True(PodEnvironment.IsPod(Pod.GetValueOrDefault));
        foreach (string missing in Pod.Keys)
        {
            var without = Pod.Where(p => p.Key != missing).ToDictionary();
            Assert.False(PodEnvironment.IsPod(without.GetValueOrDefault), $"a pod without {missing}");
        }

        Assert.False(PodEnvironment.IsPod(Pod.ToDictionary(p => p.Key, p => p.Key == "POD_NAME" ? "" : p.Value).GetValueOrDefault));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void TheSiloWatchesThePodsOnlyInAPod(bool inPod)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        if (inPod)
        {
            builder.Configuration.AddInMemoryCollection(Pod);
        }

        builder.AddGvmSilo();
        bool watching = builder.Services.Any(d => d.ServiceType == typeof(ILifecycleParticipant<ISiloLifecycle>)
            && d.ImplementationType?.FullName == "Orleans.Hosting.Kubernetes.KubernetesClusterAgent");
        Assert.Equal(inPod, watching);
    }
}
