using Orleans.Placement;

namespace Orleans.GvmRaft.Placement;

/// <summary>Places a grain only on silos whose metadata declares the worker role (<see cref="Workers.WorkerRole"/>).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class WorkerPlacementFilterAttribute() : PlacementFilterAttribute(new WorkerPlacementFilterStrategy());
