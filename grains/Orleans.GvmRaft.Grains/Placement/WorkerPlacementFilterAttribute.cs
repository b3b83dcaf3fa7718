using Orleans.Placement;

namespace Orleans.GvmRaft.Placement;

/// <summary>Places a grain only on worker silos that train (<see cref="Workers.WorkerRole.Trains"/>): the trainers.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class WorkerPlacementFilterAttribute() : PlacementFilterAttribute(new WorkerPlacementFilterStrategy());
