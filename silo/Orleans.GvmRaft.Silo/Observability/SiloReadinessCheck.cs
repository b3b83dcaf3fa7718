using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace Orleans.GvmRaft.Silo.Observability;

/// <summary>
/// Ready while the silo is an active member of its cluster and not shutting down: what a
/// Kubernetes readiness probe and a rolling update wait for. It calls no grain and no store.
/// </summary>
public sealed class SiloReadinessCheck(ILocalSiloDetails silo, IClusterMembershipService membership, IHostApplicationLifetime lifetime) : IHealthCheck
{
    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("the silo is shutting down."));
        }

        var status = membership.CurrentSnapshot.GetSiloStatus(silo.SiloAddress);
        return Task.FromResult(status == SiloStatus.Active
            ? HealthCheckResult.Healthy($"silo {silo.Name} is active.")
            : HealthCheckResult.Unhealthy($"silo {silo.Name} is {status}."));
    }
}
