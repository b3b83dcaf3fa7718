using Orleans.Placement;

namespace Orleans.GvmRaft.Placement;

/// <summary>The control-plane placement filter; it has no parameters.</summary>
public sealed class ControlPlacementFilterStrategy() : PlacementFilterStrategy(order: 0);
