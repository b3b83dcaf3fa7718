using Orleans.GvmRaft.Workers;
using Orleans.Placement;
using Orleans.Runtime.MembershipService.SiloMetadata;
using Orleans.Runtime.Placement;

namespace Orleans.GvmRaft.Placement;

/// <summary>Keeps the candidate silos that are not workers; all of them when every silo is a worker (the embedded default).</summary>
public sealed class ControlPlacementFilterDirector(ISiloMetadataCache metadata) : IPlacementFilterDirector
{
    /// <inheritdoc />
    public IEnumerable<SiloAddress> Filter(PlacementFilterStrategy filterStrategy, PlacementTarget target, IEnumerable<SiloAddress> silos)
    {
        var candidates = silos.ToList();
        var control = candidates.Where(silo => !(metadata.GetSiloMetadata(silo).Metadata.TryGetValue(WorkerRole.MetadataKey, out string? role)
            && WorkerRole.IsWorker(role))).ToList();
        return control.Count > 0 ? control : candidates;
    }
}
