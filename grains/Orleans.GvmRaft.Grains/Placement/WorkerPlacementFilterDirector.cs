using Orleans.GvmRaft.Workers;
using Orleans.Placement;
using Orleans.Runtime.MembershipService.SiloMetadata;
using Orleans.Runtime.Placement;

namespace Orleans.GvmRaft.Placement;

/// <summary>Keeps the candidate silos that train: <c>gvm.role</c> is <c>worker</c> (both roles) or <c>trainer</c>.</summary>
public sealed class WorkerPlacementFilterDirector(ISiloMetadataCache metadata) : IPlacementFilterDirector
{
    /// <inheritdoc />
    public IEnumerable<SiloAddress> Filter(PlacementFilterStrategy filterStrategy, PlacementTarget target, IEnumerable<SiloAddress> silos) =>
        silos.Where(silo => metadata.GetSiloMetadata(silo).Metadata.TryGetValue(WorkerRole.MetadataKey, out string? role)
            && WorkerRole.Trains(role));
}
