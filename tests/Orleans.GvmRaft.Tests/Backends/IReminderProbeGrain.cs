namespace Orleans.GvmRaft.Tests.Backends;

/// <summary>A grain that arms one reminder.</summary>
public interface IReminderProbeGrain : IGrainWithGuidKey
{
    /// <summary>Registers the reminder.</summary>
    Task ArmAsync(TimeSpan dueTime, TimeSpan period);
}
