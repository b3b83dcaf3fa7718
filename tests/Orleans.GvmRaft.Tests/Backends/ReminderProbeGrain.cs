using System.Collections.Concurrent;

namespace Orleans.GvmRaft.Tests.Backends;

/// <summary>A grain whose reminder ticks are recorded in this process, to watch a reminder survive a restart.</summary>
public sealed class ReminderProbeGrain : Grain, IReminderProbeGrain, IRemindable
{
    /// <summary>When each probe's reminder first fired.</summary>
    public static ConcurrentDictionary<Guid, DateTime> Fired { get; } = new();

    /// <inheritdoc />
    public Task ArmAsync(TimeSpan dueTime, TimeSpan period) => this.RegisterOrUpdateReminder("probe", dueTime, period);

    /// <inheritdoc />
    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        Fired.TryAdd(this.GetPrimaryKey(), DateTime.UtcNow);
        return Task.CompletedTask;
    }
}
