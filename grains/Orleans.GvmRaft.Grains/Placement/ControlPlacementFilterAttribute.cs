using Orleans.Placement;

namespace Orleans.GvmRaft.Placement;

/// <summary>
/// Places a control-plane grain (prompts, runs, queues, indexes) on silos without the worker role
/// when there are any: worker silos are the busy, volatile ones, and a worker that dies should
/// cost its leases, not the state every other worker is waiting on.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class ControlPlacementFilterAttribute() : PlacementFilterAttribute(new ControlPlacementFilterStrategy());
