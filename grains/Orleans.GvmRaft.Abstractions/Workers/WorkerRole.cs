namespace Orleans.GvmRaft.Workers;

/// <summary>The silo metadata a worker silo declares; worker grains are placed only where it is present.</summary>
public static class WorkerRole
{
    /// <summary>The metadata key (configuration <c>Orleans:Metadata:gvm.role</c>).</summary>
    public const string MetadataKey = "gvm.role";

    /// <summary>The value that marks a silo as a worker.</summary>
    public const string Worker = "worker";
}
