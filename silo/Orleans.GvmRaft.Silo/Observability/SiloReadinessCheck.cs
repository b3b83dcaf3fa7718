using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Orleans.GvmRaft.Silo.Observability;

/// <summary>
/// Ready while the silo is an active member of its cluster: what a Kubernetes readiness probe and
/// a rolling update wait for. It calls no grain and no store. On shutdown the HTTP server stops
/// first (it started last), so a stopping silo answers no probe at all.
/// </summary>
public sealed class SiloReadinessCheck(ILocalSiloDetails silo, IClusterMembershipService membership) : IHealthCheck
{
    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var status = membership.CurrentSnapshot.GetSiloStatus(silo.SiloAddress);
        return Task.FromResult(status == SiloStatus.Active
            ? HealthCheckResult.Healthy($"silo {silo.Name} is active.")
            : HealthCheckResult.Unhealthy($"silo {silo.Name} is {status}."));
    }
}
