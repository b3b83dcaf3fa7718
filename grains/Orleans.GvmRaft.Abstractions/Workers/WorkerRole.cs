namespace Orleans.GvmRaft.Workers;

/// <summary>
/// The role a worker silo declares in its metadata (<c>gvm.role</c>), set by <c>Gvm:Worker:Role</c>:
/// rollout workers, the trainers of runs, or both (the default, and what a single machine runs).
/// Trainers are placed only on silos that train; rollout workers run only on silos that roll out;
/// control-plane grains stay off every worker silo while another silo exists.
/// </summary>
public static class WorkerRole
{
    /// <summary>The metadata key (configuration <c>Orleans:Metadata:gvm.role</c>).</summary>
    public const string MetadataKey = "gvm.role";

    /// <summary>A worker silo that both rolls out and trains (<c>Gvm:Worker:Role</c> = <c>both</c>).</summary>
    public const string Worker = "worker";

    /// <summary>A worker silo that only runs rollout workers.</summary>
    public const string Rollout = "rollout";

    /// <summary>A worker silo that only hosts trainers.</summary>
    public const string Trainer = "trainer";

    /// <summary>The values <c>Gvm:Worker:Role</c> takes.</summary>
    public static readonly string[] Settings = ["both", Rollout, Trainer];

    /// <summary>The metadata value of a worker silo whose <c>Gvm:Worker:Role</c> is <paramref name="setting"/> (null or empty: both); null when the setting is none of <see cref="Settings"/>.</summary>
    public static string? OfSetting(string? setting) => setting?.Trim().ToLowerInvariant() switch
    {
        null or "" or "both" => Worker,
        Rollout => Rollout,
        Trainer => Trainer,
        _ => null,
    };

    /// <summary>Whether a silo of metadata role <paramref name="role"/> is a worker silo of any kind.</summary>
    public static bool IsWorker(string? role) => role is Worker or Rollout or Trainer;

    /// <summary>Whether a silo of metadata role <paramref name="role"/> hosts trainers.</summary>
    public static bool Trains(string? role) => role is Worker or Trainer;

    /// <summary>Whether a silo of metadata role <paramref name="role"/> runs rollout workers.</summary>
    public static bool RollsOut(string? role) => role is Worker or Rollout;
}
