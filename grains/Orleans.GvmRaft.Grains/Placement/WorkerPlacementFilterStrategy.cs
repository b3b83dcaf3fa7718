using Orleans.Placement;

namespace Orleans.GvmRaft.Placement;

/// <summary>The worker-role placement filter; it has no parameters, the role is fixed.</summary>
public sealed class WorkerPlacementFilterStrategy() : PlacementFilterStrategy(order: 0);
